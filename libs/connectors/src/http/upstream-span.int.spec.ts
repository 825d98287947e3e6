// Client spans of upstream requests against a real HTTP server on loopback: one per page,
// children of the sync's span, their context sent as `traceparent`, secrets masked.
import { pino } from 'pino';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { httpConnectorSchema, type HttpConnector } from '@freshet/contracts';
import { startTracing, type Tracing } from '@freshet/telemetry';
import { emptySyncStats, httpSync } from './http-sync';
import { startListServer, type ListServer } from './testing/list-server';

const SECRET = 'sk_live_trace_0123456789';
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let server: ListServer;

beforeAll(() => {
  tracing = startTracing({ service: 'connectors-test', logger: pino({ level: 'silent' }), env: {}, exporter });
});
afterAll(() => tracing.shutdown());
beforeEach(async () => {
  exporter.reset();
  server = await startListServer({ items: 120, auth: { in: 'query', name: 'api_key', value: SECRET } });
});
afterEach(() => server.close());

function connector(): HttpConnector {
  return httpConnectorSchema.parse({
    type: 'http',
    baseUrl: server.baseUrl,
    path: '/items',
    pagination: { type: 'pageNumber', totalPagesHeader: 'x-pages' },
    auth: { type: 'query', param: 'api_key', secret: { env: 'LIST_API_KEY' } },
  });
}

async function drain(config: HttpConnector): Promise<void> {
  for await (const _batch of httpSync(config, {}, { secrets: { env: { LIST_API_KEY: SECRET } }, stats: emptySyncStats() })) {
    // pages are not needed here
  }
}

describe('upstream request spans', () => {
  it('one client span per page under the sync, with its context sent upstream and the secret masked', async () => {
    const job = await trace.getTracer('test').startActiveSpan('sync-job', async (span) => {
      await drain(connector());
      span.end();
      return span;
    });
    const requests = exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT);
    expect(requests).toHaveLength(3);
    const port = Number(new URL(server.baseUrl).port);
    for (const [index, span] of requests.entries()) {
      expect(span.name).toBe('GET');
      expect(span.parentSpanContext?.spanId).toBe(job.spanContext().spanId);
      expect(span.spanContext().traceId).toBe(job.spanContext().traceId);
      expect(span.attributes).toMatchObject({
        'http.request.method': 'GET',
        'server.address': '127.0.0.1',
        'server.port': port,
        'http.response.status_code': 200,
        'freshet.upstream.page': index + 1,
      });
      expect(span.attributes['url.full']).toContain('api_key=redacted');
    }
    expect(JSON.stringify(requests.map((s) => s.attributes))).not.toContain(SECRET);
    // The upstream saw each request's own span as its parent.
    expect(server.requests.map((r) => r.headers['traceparent'])).toEqual(requests.map((s) => `00-${s.spanContext().traceId}-${s.spanContext().spanId}-01`));
  });

  it('a failed answer is a failed span with its status as the error type', async () => {
    server.fault({ page: 2, fault: { status: 503 } });
    await trace.getTracer('test').startActiveSpan('sync-job', async (span) => {
      await expect(drain(connector())).rejects.toThrow();
      span.end();
    });
    const failed = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.CLIENT && s.attributes['http.response.status_code'] === 503);
    expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed?.attributes['error.type']).toBe('503');
  });

  it('outside a trace: no span and no traceparent sent', async () => {
    await drain(connector());
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(server.requests.every((r) => r.headers['traceparent'] === undefined)).toBe(true);
  });
});
