// An append inside a trace: a span, and the context kept with each event row, so the
// outbox relay hands it to the publisher later from a context of its own.
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTracing, type Tracing } from '@freshet/telemetry';
import { appendToStream } from './append-to-stream';
import { createOutboxRelay } from './outbox/outbox-relay';
import { readStream } from './read-stream';
import type { StoredEvent } from './stored-event';
import { contentCreated } from './testing/event-fixtures';
import { createTestStore, type TestStore } from './testing/test-store';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let store: TestStore;

beforeAll(async () => {
  tracing = startTracing({ service: 'store-test', logger: pino({ level: 'silent' }), env: {}, exporter });
  store = await createTestStore('append_trace');
});
afterAll(async () => {
  await store.destroy();
  await tracing.shutdown();
});
beforeEach(() => exporter.reset());

const traceparentOf = (span: { spanContext(): { traceId: string; spanId: string } } | undefined) =>
  `00-${span?.spanContext().traceId}-${span?.spanContext().spanId}-01`;

describe('appending inside a trace', () => {
  it('records an append span under the caller and keeps its context with every event, through the relay', async () => {
    const streamId = `traced-${randomUUID()}`;
    const caller = trace.getTracer('test').startSpan('caller');
    await context.with(trace.setSpan(context.active(), caller), () =>
      appendToStream(store.db, streamId, [contentCreated('1'), contentCreated('2')], { expectedVersion: 'no_stream' }),
    );
    caller.end();

    const append = exporter.getFinishedSpans().find((s) => s.name === 'event-store append');
    expect(append?.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
    expect(append?.attributes).toMatchObject({
      'db.system.name': 'postgresql',
      'freshet.event_store.stream_id': streamId,
      'freshet.event_store.events': 2,
      'freshet.event_store.event_types': ['content.created'],
    });
    const read = await readStream(store.db, streamId);
    expect(read.events.map((e) => e.event.trace)).toEqual([{ traceparent: traceparentOf(append) }, { traceparent: traceparentOf(append) }]);

    // The relay runs in no trace of its own; what it hands the publisher names the append.
    const published: StoredEvent[] = [];
    const relay = createOutboxRelay({ db: store.db, name: `r-${randomUUID()}`, publish: async (e) => void published.push(e) });
    await relay.runOnce();
    expect(published.filter((e) => e.streamId === streamId).map((e) => e.event.trace?.traceparent)).toEqual([traceparentOf(append), traceparentOf(append)]);
  });

  it('keeps a context an event already names, and marks a failed append', async () => {
    const streamId = `traced-${randomUUID()}`;
    const own = { traceparent: `00-${'c'.repeat(32)}-${'d'.repeat(16)}-01` };
    await trace.getTracer('test').startActiveSpan('caller', async (span) => {
      await appendToStream(store.db, streamId, [{ ...contentCreated('1'), trace: own }], { expectedVersion: 'no_stream' });
      await expect(appendToStream(store.db, streamId, [contentCreated('2')], { expectedVersion: 'no_stream' })).rejects.toThrow();
      span.end();
    });
    expect((await readStream(store.db, streamId)).events.map((e) => e.event.trace)).toEqual([own]);
    const failed = exporter.getFinishedSpans().filter((s) => s.name === 'event-store append')[1];
    expect(failed?.status.code).toBe(2);
    expect(failed?.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('stays within the contract when a caller sends a tracestate longer than it allows (512)', async () => {
    const streamId = `traced-${randomUUID()}`;
    const tracestate = ['a', 'b', 'c'].map((key) => `${key}=${'v'.repeat(200)}`).join(',');
    const incoming = propagation.extract(ROOT_CONTEXT, { traceparent: `00-${'e'.repeat(32)}-${'f'.repeat(16)}-01`, tracestate });
    await context.with(incoming, () => appendToStream(store.db, streamId, [contentCreated('1')], { expectedVersion: 'no_stream' }));
    const stored = (await readStream(store.db, streamId)).events[0]?.event.trace;
    expect(stored?.traceparent).toMatch(new RegExp(`^00-${'e'.repeat(32)}-`));
    expect((stored?.tracestate ?? '').length).toBeLessThanOrEqual(512);
  });

  it('outside a trace: no span, and the events carry no context', async () => {
    const streamId = `untraced-${randomUUID()}`;
    await appendToStream(store.db, streamId, [contentCreated('1')], { expectedVersion: 'no_stream' });
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect((await readStream(store.db, streamId)).events[0]?.event.trace).toBeUndefined();
  });
});
