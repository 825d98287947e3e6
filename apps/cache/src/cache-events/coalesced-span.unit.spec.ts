import { pino } from 'pino';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTracing, type Tracing } from '@freshet/telemetry';
import { CoalescedCauses, MAX_LINKED_TRACES } from './coalesced-span';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
beforeAll(() => {
  tracing = startTracing({ service: 'cache-test', logger: pino({ level: 'silent' }), env: {}, exporter });
});
afterAll(() => tracing.shutdown());
beforeEach(() => exporter.reset());

const tracer = () => trace.getTracer('test');
/** Notes the cause inside a new root span: a trace of its own. */
function noteIn(causes: CoalescedCauses, name: string): { traceId: string; spanId: string } {
  return tracer().startActiveSpan(name, { root: true }, (span) => {
    causes.noteActive();
    span.end();
    return span.spanContext();
  });
}

describe('a coalesced notification', () => {
  it('continues the first traced cause and links one span of each other trace', async () => {
    const causes = new CoalescedCauses();
    const first = noteIn(causes, 'refresh A');
    const second = noteIn(causes, 'refresh B');
    causes.noteActive(); // outside any span: ignored
    let inside: string | undefined;
    await causes.run('cache.written', async () => {
      inside = trace.getActiveSpan()?.spanContext().spanId;
    });
    const [span] = exporter.getFinishedSpans().filter((s) => s.name === 'cache.written');
    expect(span?.spanContext().traceId).toBe(first.traceId);
    expect(span?.parentSpanContext?.spanId).toBe(first.spanId);
    expect(span?.links.map((l) => l.context.spanId)).toEqual([second.spanId]);
    expect(span?.attributes['freshet.coalesced_traces']).toBe(2);
    expect(inside).toBe(span?.spanContext().spanId);
  });

  it('links each trace once, and at most a bounded number of them', async () => {
    const causes = new CoalescedCauses();
    const first = tracer().startActiveSpan('refresh', { root: true }, (span) => {
      causes.noteActive();
      tracer().startActiveSpan('same trace, later event', (child) => {
        causes.noteActive();
        child.end();
      });
      span.end();
      return span.spanContext();
    });
    for (let i = 0; i < MAX_LINKED_TRACES + 10; i++) noteIn(causes, `other ${i}`);
    await causes.run('cache.written', async () => undefined);
    const [span] = exporter.getFinishedSpans().filter((s) => s.name === 'cache.written');
    expect(span?.parentSpanContext?.spanId).toBe(first.spanId);
    expect(span?.links).toHaveLength(MAX_LINKED_TRACES - 1);
    expect(new Set(span?.links.map((l) => l.context.traceId)).size).toBe(MAX_LINKED_TRACES - 1);
  });

  it('without a traced cause, runs in no trace and records nothing', async () => {
    const causes = new CoalescedCauses();
    causes.noteActive();
    let active: unknown = 'unset';
    // Even from inside some unrelated span (the timer inherits whatever was active).
    await tracer().startActiveSpan('unrelated', async (span) => {
      await causes.run('cache.written', async () => {
        active = trace.getActiveSpan();
      });
      span.end();
    });
    expect(active).toBeUndefined();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['unrelated']);
  });
});
