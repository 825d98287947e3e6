// Trace context across the real NATS server: publish → durable consumer, sync command →
// priority worker, request → responder. Spans are collected in memory (startTracing's test hook).
import { pino } from 'pino';
import { SpanKind, trace, type Span } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { z } from 'zod';
import { freshetEventSchema, HEADERS, PRIORITY_TIERS, syncCommandSchema, syncCommandSubject, type FreshetEvent } from '@freshet/contracts';
import { startTracing, type Tracing } from '@freshet/telemetry';
import { testNames, waitFor } from '@freshet/testkit';
import { consumeByPriority } from './consume-by-priority';
import { consumeDurable } from './consume-durable';
import type { ConsumerHandle } from './consume-loop';
import { ensureDurableConsumer } from './ensure-durable-consumer';
import { ensurePriorityConsumers } from './priority-consumers';
import { publishEvent } from './publish-event';
import { publishSyncCommand } from './publish-sync-command';
import { requestJson } from './request-json';
import { respondJson } from './respond-json';
import { asPublished, recordingLogger, sampleContentCreated, sampleSyncCommand, testBusWithStreams } from './testing/bus-test-support';

const n = testNames('trace');
const { logger } = recordingLogger();
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
const handles: ConsumerHandle[] = [];

// Registration order matters: vitest runs beforeAll hooks in order and afterAll hooks in
// reverse, so tracing starts before the bus connects and shuts down after it closes, and
// the consumers stop before their streams are deleted.
beforeAll(() => {
  tracing = startTracing({ service: 'bus-test', logger: pino({ level: 'silent' }), env: {}, exporter });
});
afterAll(() => tracing.shutdown());
const bus = testBusWithStreams(n, 'bus-trace-test', logger);
afterAll(async () => {
  await Promise.all(handles.map((h) => h.stop()));
});
beforeEach(() => exporter.reset());

const tracer = () => trace.getTracer('test');
const spans = () => exporter.getFinishedSpans();
const named = (name: string): ReadableSpan | undefined => spans().find((s) => s.name === name);
const childOf = (child: ReadableSpan | undefined, parent: { spanContext(): { traceId: string; spanId: string } } | undefined) => {
  expect(child?.spanContext().traceId).toBe(parent?.spanContext().traceId);
  expect(child?.parentSpanContext?.spanId).toBe(parent?.spanContext().spanId);
};
/** Runs fn in a new root span (a request's, say) and returns it. */
async function inRoot(fn: () => Promise<unknown>): Promise<Span> {
  return tracer().startActiveSpan('caller', async (span) => {
    try {
      await fn();
      return span;
    } finally {
      span.end();
    }
  });
}

describe('trace context on the bus', () => {
  it('an event published in a trace carries a publish span in its headers (not its body), and its consumer continues it', async () => {
    const durable = `${n.id}-events`;
    await ensureDurableConsumer(bus.nc, { stream: n.eventsStream, durable, filterSubject: `${n.subjectPrefix}.evt.acme.orders.>`, ackWaitMs: 30_000, maxAckPending: 10, maxDeliver: 5 });
    const handled: { event: FreshetEvent; traceId: string | undefined }[] = [];
    handles.push(
      await consumeDurable({
        nc: bus.nc,
        stream: n.eventsStream,
        durable,
        schema: freshetEventSchema,
        logger,
        handler: (event) => {
          tracer().startSpan('handler-work').end();
          handled.push({ event, traceId: trace.getActiveSpan()?.spanContext().traceId });
          return { ack: true };
        },
      }),
    );
    const { trace: _stored, ...untraced } = sampleContentCreated();
    const event = untraced as FreshetEvent;
    const caller = await inRoot(() => publishEvent(bus.js, n.subjectPrefix, event));
    await waitFor(() => handled.length === 1 && named('handler-work'), { message: 'event handled' });

    const publish = named('publish content.created');
    expect(publish?.kind).toBe(SpanKind.PRODUCER);
    expect(publish?.attributes).toMatchObject({
      'messaging.system': 'nats',
      'messaging.destination.name': `${n.subjectPrefix}.evt.acme.orders.content.created`,
      'messaging.operation.name': 'publish',
      'messaging.operation.type': 'send',
      'messaging.message.id': event.id,
    });
    childOf(publish, caller);
    const stored = await (await jetstreamManager(bus.nc)).streams.getMessage(n.eventsStream, { last_by_subj: `${n.subjectPrefix}.evt.acme.orders.content.created` });
    expect(stored?.header.get(HEADERS.traceparent)).toBe(`00-${publish?.spanContext().traceId}-${publish?.spanContext().spanId}-01`);
    expect(stored?.json<FreshetEvent>()).toEqual(event);

    const process = named(`process ${durable}`);
    expect(process?.kind).toBe(SpanKind.CONSUMER);
    expect(process?.attributes).toMatchObject({ 'messaging.operation.type': 'process', 'messaging.consumer.group.name': durable, 'freshet.bus.outcome': 'ack', 'freshet.bus.delivery_count': 1 });
    childOf(process, publish);
    childOf(named('handler-work'), process);
    expect(handled[0]?.traceId).toBe(caller.spanContext().traceId);
  });

  it('an event read back from the store is published in the trace of the write that made it, from any context', async () => {
    const event = sampleContentCreated({ source: 'stored' });
    const storedParent = event.trace?.traceparent.split('-') ?? [];
    await publishEvent(bus.js, n.subjectPrefix, event); // outside any span: the relay's situation
    const publish = named('publish content.created');
    expect(publish?.spanContext().traceId).toBe(storedParent[1]);
    expect(publish?.parentSpanContext?.spanId).toBe(storedParent[2]);
    expect(publish?.parentSpanContext?.isRemote).toBe(true);
    const stored = await (await jetstreamManager(bus.nc)).streams.getMessage(n.eventsStream, { last_by_subj: `${n.subjectPrefix}.evt.acme.stored.content.created` });
    expect(stored?.json<FreshetEvent>()).toEqual(asPublished(event));
    expect(stored?.header.get(HEADERS.tracestate)).toBe('vendor=1');
  });

  it('starts no trace: an untraced publish sends no trace headers and makes no span, and its consumer makes none either', async () => {
    const durable = `${n.id}-untraced`;
    const subject = `${n.subjectPrefix}.evt.acme.untraced.>`;
    await ensureDurableConsumer(bus.nc, { stream: n.eventsStream, durable, filterSubject: subject, ackWaitMs: 30_000, maxAckPending: 10, maxDeliver: 5 });
    const seen: (string | undefined)[] = [];
    handles.push(
      await consumeDurable({ nc: bus.nc, stream: n.eventsStream, durable, schema: freshetEventSchema, logger, handler: (_e, ctx) => (seen.push(ctx.headers[HEADERS.traceparent]), { ack: true }) }),
    );
    await publishEvent(bus.js, n.subjectPrefix, asPublished(sampleContentCreated({ source: 'untraced' })));
    await waitFor(() => seen.length === 1, { message: 'untraced event handled' });
    expect(seen).toEqual([undefined]);
    expect(spans()).toEqual([]);
  });

  it('a sync command carries its trace to the priority worker, whose handler runs inside it', async () => {
    const tiers = PRIORITY_TIERS.map((tier) => ({ name: tier, durable: `${n.id}-${tier}`, filterSubject: syncCommandSubject(n.subjectPrefix, tier) }));
    await ensurePriorityConsumers(bus.nc, { stream: n.commandsStream, tiers, ackWaitMs: 30_000, maxAckPending: 100, maxDeliver: 5 });
    const ran: (string | undefined)[] = [];
    const bodies: object[] = [];
    handles.push(
      await consumeByPriority({
        nc: bus.nc,
        stream: n.commandsStream,
        tiers,
        schema: syncCommandSchema,
        logger,
        concurrency: 1,
        handler: (data) => {
          bodies.push(data);
          ran.push(trace.getActiveSpan()?.spanContext().traceId);
          return { ack: true };
        },
      }),
    );
    // A command sent later from a timer (the scheduler's sweep) with the job's kept context.
    const kept = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    const command = { ...sampleSyncCommand(10), trace: kept };
    await publishSyncCommand(bus.js, n.subjectPrefix, command);
    await waitFor(() => ran.length === 1 && named(`process ${n.id}-p10`), { message: 'command handled' });
    expect(ran).toEqual(['0af7651916cd43dd8448eb211c80319c']);
    const publish = named('publish sync.requested');
    expect(publish?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    childOf(named(`process ${n.id}-p10`), publish);
    expect(named(`process ${n.id}-p10`)?.attributes['messaging.consumer.group.name']).toBe(`${n.id}-p10`);
    // The command's body has no trace field: it travelled in the headers.
    expect(bodies[0]).toMatchObject({ jobId: command.jobId });
    expect(bodies[0]).not.toHaveProperty('trace');
  });

  it('a request is a client span whose context reaches the responder, which answers inside a server span', async () => {
    const subject = `${n.subjectPrefix}.rpc.test.echo`;
    const inside: (string | undefined)[] = [];
    const sub = respondJson(
      bus.nc,
      subject,
      z.object({ say: z.string() }),
      logger,
      async ({ say }) => {
        inside.push(trace.getActiveSpan()?.spanContext().spanId);
        return say === 'no' ? { ok: false, error: { code: 'REFUSED', message: 'said no' } } : { ok: true, said: say };
      },
      'test',
    );
    try {
      const reply = z.object({ ok: z.boolean() }).loose();
      const caller = await inRoot(async () => {
        await requestJson(bus.nc, subject, { say: 'hi' }, reply, 2_000);
        await requestJson(bus.nc, subject, { say: 'no' }, reply, 2_000);
      });
      await waitFor(() => spans().filter((s) => s.name === 'respond rpc.test.echo').length === 2, { message: 'both answers traced' });
      const requests = spans().filter((s) => s.name === 'request rpc.test.echo');
      const responses = spans().filter((s) => s.name === 'respond rpc.test.echo');
      expect(requests.map((s) => s.kind)).toEqual([SpanKind.CLIENT, SpanKind.CLIENT]);
      expect(responses.map((s) => s.kind)).toEqual([SpanKind.SERVER, SpanKind.SERVER]);
      for (const request of requests) childOf(request, caller);
      childOf(responses[0], requests[0]);
      childOf(responses[1], requests[1]);
      expect(inside).toEqual(responses.map((s) => s.spanContext().spanId));
      // A refusal is an answer: noted on both sides, not an error.
      expect(requests[1]?.attributes['freshet.rpc.refusal']).toBe('REFUSED');
      expect(responses[1]?.attributes['freshet.rpc.refusal']).toBe('REFUSED');
      expect(requests[1]?.status.code).toBe(0);
    } finally {
      sub.unsubscribe();
    }
  });
});
