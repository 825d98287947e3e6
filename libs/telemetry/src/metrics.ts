// OpenTelemetry metrics for a service, exposed in Prometheus text format on the
// service's own HTTP server (no separate exporter port to open in production), with the
// runtime and process metrics every service shares (metrics/runtime-metrics.ts).
import { metrics, type Meter } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { runtimeMetricViews, startRuntimeMetrics } from './metrics/runtime-metrics';

export interface ServiceMetrics {
  meter: Meter;
  exporter: PrometheusExporter;
  shutdown(): Promise<void>;
}

export interface ServiceMetricsOptions {
  /** Event loop, heap, GC, process CPU and memory (default true). */
  runtime?: boolean;
}

export function createServiceMetrics(service: string, options: ServiceMetricsOptions = {}): ServiceMetrics {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    readers: [exporter],
    views: runtimeMetricViews(),
  });
  // Libraries (bus, event-store) take their meters from the global provider.
  metrics.setGlobalMeterProvider(provider);
  const runtime = options.runtime === false ? undefined : startRuntimeMetrics(provider);
  return {
    meter: provider.getMeter(service),
    exporter,
    shutdown: async () => {
      runtime?.stop();
      await provider.shutdown();
    },
  };
}
