// startTracing against real sockets: a working OTLP/HTTP receiver, no endpoint at all (a
// canary on the SDK's default port must hear nothing), and an endpoint nobody listens on.
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver, waitFor, type OtlpReceiver } from '@freshet/testkit';
import { startTracing, type Tracing } from './start-tracing';

interface Entry {
  level: number;
  msg: string;
  [key: string]: unknown;
}

function recordingLogger() {
  const entries: Entry[] = [];
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        lines.push(line);
        entries.push(JSON.parse(line) as Entry);
      }
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), entries, lines };
}

/** A port that was free a moment ago and is closed now: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const REMOTE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

let tracing: Tracing | undefined;
const receivers: OtlpReceiver[] = [];
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

describe('startTracing', () => {
  it('exports spans as OTLP/HTTP JSON to the configured endpoint, with the service name', async () => {
    const receiver = await startOtlpReceiver();
    receivers.push(receiver);
    const { logger } = recordingLogger();
    tracing = startTracing({ service: 'unit-svc', logger, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '20' } });
    expect(tracing.exporting).toBe(true);
    const tracer = trace.getTracer('test');
    tracer.startActiveSpan('parent', (parent) => {
      tracer.startSpan('child', { attributes: { answer: 42 } }).end();
      parent.end();
    });
    await waitFor(() => receiver.spans.length === 2, { message: 'both spans exported' });
    const parent = receiver.spans.find((s) => s.name === 'parent');
    const child = receiver.spans.find((s) => s.name === 'child');
    expect(parent).toMatchObject({ service: 'unit-svc', parentSpanId: '' });
    expect(child).toMatchObject({ service: 'unit-svc', traceId: parent?.traceId, parentSpanId: parent?.spanId, attributes: { answer: 42 } });
  });

  it('keeps only what the sampler keeps', async () => {
    const receiver = await startOtlpReceiver();
    receivers.push(receiver);
    tracing = startTracing({
      service: 'unit-svc',
      logger: recordingLogger().logger,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '20', OTEL_TRACES_SAMPLER: 'parentbased_always_off' },
    });
    const tracer = trace.getTracer('test');
    tracer.startSpan('new-root').end();
    // A sampled caller still wins under a parent-based sampler.
    const sampledParent = propagation.extract(ROOT_CONTEXT, { traceparent: REMOTE });
    tracer.startSpan('child-of-sampled', {}, sampledParent).end();
    await tracing.shutdown();
    expect(receiver.spans.map((s) => s.name)).toEqual(['child-of-sampled']);
  });

  it('without an endpoint records and sends nothing, yet carries an incoming trace on', async () => {
    // A canary on the SDK's default endpoint (localhost:4318): it must hear nothing.
    const canary = createServer((socket) => {
      canaryConnections += 1;
      socket.destroy();
    });
    let canaryConnections = 0;
    const listening = await new Promise<boolean>((resolve) => {
      canary.once('error', () => resolve(false));
      canary.listen(4318, '::', () => resolve(true));
    });
    try {
      const { logger, entries } = recordingLogger();
      tracing = startTracing({ service: 'unit-svc', logger, env: {} });
      expect(tracing.exporting).toBe(false);
      expect(entries.find((e) => e.msg.startsWith('tracing: not exporting'))).toMatchObject({ why: 'no-endpoint' });

      const incoming = propagation.extract(ROOT_CONTEXT, { traceparent: REMOTE });
      const outgoing: Record<string, string> = {};
      // Through an await, as a handler would: the context manager is in place.
      await context.with(incoming, async () => {
        const span = trace.getTracer('test').startSpan('work');
        expect(span.isRecording()).toBe(false);
        await new Promise((resolve) => setTimeout(resolve, 5));
        context.with(trace.setSpan(context.active(), span), () => propagation.inject(context.active(), outgoing));
        span.end();
      });
      // The trace passes through unchanged, sampled flag included: an exporting service
      // downstream makes its spans children of the last one that was recorded upstream.
      expect(outgoing['traceparent']).toBe(REMOTE);
      // And a trace that never came in is not started here.
      const fresh: Record<string, string> = {};
      trace.getTracer('test').startActiveSpan('root-work', (span) => {
        propagation.inject(context.active(), fresh);
        span.end();
      });
      expect(fresh).toEqual({});

      await tracing.forceFlush();
      await tracing.shutdown();
      await new Promise((resolve) => setTimeout(resolve, 200));
      if (listening) expect(canaryConnections).toBe(0);
    } finally {
      await new Promise<void>((resolve) => canary.close(() => resolve()));
    }
  });

  it('with an endpoint nobody listens on: work goes on, failures are logged once per interval without secrets, shutdown stays bounded', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const { logger, entries, lines } = recordingLogger();
    // The exporter reads its headers from the process environment; they must never be logged.
    process.env['OTEL_EXPORTER_OTLP_HEADERS'] = 'x-api-key=top-secret-key';
    try {
      tracing = startTracing({
        service: 'unit-svc',
        logger,
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
          OTEL_BSP_SCHEDULE_DELAY: '20',
          // Each export retries for up to this long (longer than the shutdown bound).
          OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
          FRESHET_TRACING_ERROR_LOG_INTERVAL_MS: '60000',
          FRESHET_TRACING_SHUTDOWN_MS: '300',
        },
      });
      const tracer = trace.getTracer('test');
      const failures = () => entries.filter((e) => e.msg.startsWith('trace export failed'));
      // Several batches, several failed exports.
      for (let batch = 0; batch < 4; batch++) {
        for (let i = 0; i < 5; i++) tracer.startSpan(`work-${batch}-${i}`).end();
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
      await waitFor(() => failures().length > 0, { message: 'the export failure logged', timeoutMs: 5_000 });
      expect(failures()).toHaveLength(1);
      expect(failures()[0]).toMatchObject({ endpoint, failures: 1, error: expect.stringContaining('ECONNREFUSED') as unknown });
      expect(lines.join('\n')).not.toContain('top-secret-key');

      // Spans waiting for an export that cannot succeed must not hold the shutdown.
      for (let i = 0; i < 5; i++) tracer.startSpan(`late-${i}`).end();
      const started = performance.now();
      await tracing.shutdown();
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(entries.some((e) => e.msg.startsWith('tracing: the last export did not finish in time'))).toBe(true);
      expect(failures()).toHaveLength(1);
    } finally {
      delete process.env['OTEL_EXPORTER_OTLP_HEADERS'];
    }
  });
});
