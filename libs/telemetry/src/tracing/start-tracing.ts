// Starts OpenTelemetry tracing for a service process, once, before anything else runs.
//
// Whatever the configuration, the process gets W3C trace-context propagation and an
// AsyncLocalStorage context manager, so a trace that comes in (an HTTP `traceparent`, a
// NATS header) goes on out of every call made while handling it. What changes is what is
// recorded:
//   - exporting (an OTLP endpoint is set): spans are sampled as configured, batched and
//     sent as OTLP/HTTP JSON; failures are logged at most once per interval;
//   - not exporting (no endpoint, OTEL_SDK_DISABLED, OTEL_TRACES_EXPORTER=none): nothing is
//     recorded and nothing is sent anywhere; every span is the API's no-op one, carrying
//     its parent's context on unchanged (PassThroughTracerProvider);
//   - a test's exporter (`exporter`): every span, handed over synchronously as it ends.
//
// shutdown() flushes what is buffered but waits at most FRESHET_TRACING_SHUTDOWN_MS: a
// collector that does not answer must never hold a stopping pod.
import { setTimeout as sleep } from 'node:timers/promises';
import { context, propagation, ProxyTracerProvider, trace, type Tracer, type TracerOptions } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { Logger } from 'pino';
import { ReportingExporter } from './reporting-exporter';
import { samplerFor } from './sampler';
import { endpointForLogs, tracingSettings, type TracingSettings } from './tracing-config';

export interface StartTracingOptions {
  /** `service.name` of every span. */
  service: string;
  logger: Logger;
  /** Defaults to process.env. */
  env?: Record<string, string | undefined>;
  /**
   * Test hook: every span goes to this exporter as it ends (e.g. an InMemorySpanExporter),
   * whatever the environment says about endpoints.
   */
  exporter?: SpanExporter;
}

export interface Tracing {
  /** Spans are recorded and sent somewhere. */
  readonly exporting: boolean;
  readonly settings: TracingSettings;
  /** Sends what is buffered now (tests; never needed in services). */
  forceFlush(): Promise<void>;
  /** Flushes within the shutdown bound, then unregisters; never rejects. Safe to call twice. */
  shutdown(): Promise<void>;
}

/** Bound of shutdown() when no OTLP export is configured (a test exporter, or none). */
const LOCAL_SHUTDOWN_MS = 2_000;

function processorFor(settings: TracingSettings, options: StartTracingOptions): SpanProcessor | undefined {
  if (options.exporter) return new SimpleSpanProcessor(options.exporter);
  if (!settings.export) return undefined;
  const endpoint = endpointForLogs(settings.endpoint);
  // Export headers (OTEL_EXPORTER_OTLP_HEADERS, e.g. a collector's key) are read by the
  // exporter itself and never pass through here or the logs.
  const exporter = new OTLPTraceExporter({ url: settings.endpoint, timeoutMillis: settings.exportTimeoutMs });
  return new BatchSpanProcessor(new ReportingExporter(exporter, { logger: options.logger, endpoint, intervalMs: settings.errorLogIntervalMs }), settings.batch);
}

/**
 * Not exporting: the SDK's context manager and propagator, but the API's no-op tracers.
 * Their spans record nothing and carry their parent's context unchanged (no new ids, the
 * sampled flag kept), so a trace passes through this process as if it were not there and
 * the services on either side that do export stay parent and child.
 */
class PassThroughTracerProvider extends NodeTracerProvider {
  private readonly noop = new ProxyTracerProvider();
  override getTracer(name: string, version?: string, options?: TracerOptions): Tracer {
    return this.noop.getTracer(name, version, options);
  }
}

export function startTracing(options: StartTracingOptions): Tracing {
  const settings = tracingSettings(options.env ?? process.env);
  const processor = processorFor(settings, options);
  const resource = detectResources({ detectors: [envDetector] }).merge(
    // Last, so OTEL_RESOURCE_ATTRIBUTES can add attributes but not rename the service.
    resourceFromAttributes({ 'service.name': options.service, 'service.namespace': 'freshet' }),
  );
  const provider = processor
    ? new NodeTracerProvider({ resource, sampler: samplerFor(settings.sampler), spanProcessors: [processor] })
    : new PassThroughTracerProvider({ resource });
  provider.register({ propagator: new W3CTraceContextPropagator() });

  const exporting = processor !== undefined;
  if (options.exporter) {
    // A test's exporter: nothing to tell.
  } else if (settings.export) {
    options.logger.info({ endpoint: endpointForLogs(settings.endpoint), sampler: settings.sampler }, 'tracing: exporting spans over OTLP/HTTP');
  } else {
    options.logger.info({ why: settings.why }, 'tracing: not exporting (trace context is still propagated)');
  }

  const shutdownBoundMs = settings.export && !options.exporter ? settings.shutdownTimeoutMs : LOCAL_SHUTDOWN_MS;
  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    const flushed = provider.shutdown().then(
      () => true,
      (error: unknown) => {
        options.logger.warn({ err: error }, 'tracing: shutdown failed; buffered spans dropped');
        return true;
      },
    );
    const finished = await Promise.race([flushed, sleep(shutdownBoundMs, false, { ref: false })]);
    if (!finished) options.logger.warn({ boundMs: shutdownBoundMs }, 'tracing: the last export did not finish in time; buffered spans dropped');
    trace.disable();
    context.disable();
    propagation.disable();
  };

  return {
    exporting,
    settings,
    forceFlush: () => provider.forceFlush(),
    shutdown: () => (stopped ??= stop()),
  };
}
