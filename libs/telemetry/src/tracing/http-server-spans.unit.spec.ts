import Fastify from 'fastify';
import { pino } from 'pino';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServiceMetrics, HttpProblem, observabilityPlugin, registerErrorHandler, startTracing, type Tracing } from '../index';

const REMOTE_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const REMOTE_SPAN = '00f067aa0ba902b7';
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
const app = Fastify();

beforeAll(async () => {
  tracing = startTracing({ service: 'http-test', logger: pino({ level: 'silent' }), env: {}, exporter });
  registerErrorHandler(app);
  await app.register(observabilityPlugin, { service: 'http-test', metrics: createServiceMetrics('http-test'), readiness: {} });
  app.get('/items/:id', async () => ({ traceId: trace.getActiveSpan()?.spanContext().traceId }));
  // A body is read in the request stream's callbacks: the handler must still run in the span.
  app.post('/echo', async (request) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    trace.getTracer('test').startActiveSpan('inside-handler', (span) => span.end());
    return request.body;
  });
  app.get('/listeners', async (_request, reply) => ({
    traceId: trace.getActiveSpan()?.spanContext().traceId,
    finish: reply.raw.listenerCount('finish'),
    close: reply.raw.listenerCount('close'),
  }));
  app.get('/boom', async () => {
    throw new Error('database exploded');
  });
  app.get('/refused', async () => {
    throw new HttpProblem(403, 'FORBIDDEN', 'not yours');
  });
});
afterAll(async () => {
  await app.close();
  await tracing.shutdown();
});
beforeEach(() => exporter.reset());

const serverSpans = () => exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER);

describe('HTTP server spans', () => {
  it('continue the caller trace and carry the route, method, path and status', async () => {
    const res = await app.inject({ url: '/items/42?ticket=secret', headers: { traceparent: `00-${REMOTE_TRACE}-${REMOTE_SPAN}-01` } });
    expect(res.statusCode).toBe(200);
    // The handler ran inside the span.
    expect(res.json()).toEqual({ traceId: REMOTE_TRACE });
    const [span] = serverSpans();
    expect(span?.name).toBe('GET /items/:id');
    expect(span?.spanContext().traceId).toBe(REMOTE_TRACE);
    expect(span?.parentSpanContext?.spanId).toBe(REMOTE_SPAN);
    expect(span?.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.path': '/items/42',
      'http.route': '/items/:id',
      'http.response.status_code': 200,
    });
    // Never the query: stream tickets travel there.
    expect(JSON.stringify(span?.attributes)).not.toContain('secret');
  });

  it('start a new trace without a traceparent, and hold the handler work (after the body was read) as children', async () => {
    const res = await app.inject({ method: 'POST', url: '/echo', payload: { a: 1 } });
    expect(res.json()).toEqual({ a: 1 });
    const server = serverSpans()[0];
    const child = exporter.getFinishedSpans().find((s) => s.name === 'inside-handler');
    expect(server?.parentSpanContext).toBeUndefined();
    expect(child?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
    expect(child?.spanContext().traceId).toBe(server?.spanContext().traceId);
  });

  it('mark 5xx answers as errors with the exception, and leave 4xx answers alone', async () => {
    expect((await app.inject('/boom')).statusCode).toBe(500);
    expect((await app.inject('/refused')).statusCode).toBe(403);
    const [boom, refused] = serverSpans();
    expect(boom?.status.code).toBe(SpanStatusCode.ERROR);
    expect(boom?.attributes['error.type']).toBe('500');
    expect(boom?.events.map((e) => e.name)).toEqual(['exception']);
    expect(refused?.attributes['http.response.status_code']).toBe(403);
    expect(refused?.status.code).toBe(SpanStatusCode.UNSET);
    expect(refused?.events).toEqual([]);
  });

  it('leave the probes and the metrics endpoint untraced', async () => {
    await app.inject('/healthz');
    await app.inject('/readyz');
    await app.inject('/metrics');
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('name unmatched requests by method only', async () => {
    expect((await app.inject('/nowhere/7')).statusCode).toBe(404);
    const [span] = serverSpans();
    expect(span?.name).toBe('GET');
    expect(span?.attributes['http.route']).toBeUndefined();
    expect(span?.attributes['http.response.status_code']).toBe(404);
  });

  it('leave a request the sampler drops without listeners on its response, still carrying the caller trace', async () => {
    const ask = async (flags: string) =>
      (await app.inject({ url: '/listeners', headers: { traceparent: `00-${REMOTE_TRACE}-${REMOTE_SPAN}-${flags}` } })).json<{ traceId?: string; finish: number; close: number }>();
    const sampled = await ask('01');
    const dropped = await ask('00');
    // The handler runs in the caller's trace either way (a sampled-out trace propagates as such).
    expect(sampled.traceId).toBe(REMOTE_TRACE);
    expect(dropped.traceId).toBe(REMOTE_TRACE);
    // The recorded one ends its span on finish or close; the dropped one has nothing to end.
    expect(dropped.finish).toBe(sampled.finish - 1);
    expect(dropped.close).toBe(sampled.close - 1);
    expect(serverSpans()).toHaveLength(1);
  });
});
