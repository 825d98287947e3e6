// A job keeps the trace of the request that queued it (jobs.trace, migration 0002): its
// command joins that trace even when the dispatch sweep sends it later from a timer, and
// a request that joins the job links to it.
import { pino } from 'pino';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { busTopology, closeBus, connectBus, ensureStreams } from '@freshet/bus';
import { HEADERS, syncCommandSubject, type RevalidateRequest } from '@freshet/contracts';
import { createEventStoreDb } from '@freshet/event-store';
import { startTracing, type Tracing } from '@freshet/telemetry';
import { createSchema, deleteStreams, dropSchema, testNames, TEST_DATABASE_URL, TEST_NATS_URL } from '@freshet/testkit';
import type { SchedulerDatabase } from '../db/scheduler-tables';
import { migrateScheduler } from '../db/migrate-scheduler';
import { createDispatcher } from './dispatcher';
import { findJob } from './job-repository';
import { noteRevalidateOutcome } from './job-tracing';
import { revalidate } from './revalidate';

const names = testNames('jobtrace');
const logger = pino({ level: 'silent' });
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let db: Kysely<SchedulerDatabase>;
let nc: NatsConnection;

const request = (source: string): RevalidateRequest => ({ tenant: 'acme', source, priority: 10, mode: 'incremental', reason: 'test' });

beforeAll(async () => {
  tracing = startTracing({ service: 'scheduler-test', logger, env: {}, exporter });
  await createSchema(names.databaseSchema);
  db = createEventStoreDb<SchedulerDatabase>({ connectionString: TEST_DATABASE_URL, schema: names.databaseSchema, poolMax: 4 });
  await migrateScheduler(db, names.databaseSchema);
  nc = await connectBus({ servers: TEST_NATS_URL, name: 'job-trace-test', logger });
  await ensureStreams(nc, busTopology({ prefix: names.subjectPrefix, eventsStream: names.eventsStream, commandsStream: names.commandsStream, eventsMaxAgeMs: 3_600_000 }), logger);
});
afterAll(async () => {
  await deleteStreams([names.eventsStream, names.commandsStream]);
  await closeBus(nc);
  await db?.destroy();
  await dropSchema(names.databaseSchema);
  await tracing.shutdown();
});

describe('a job and its trace', () => {
  it('keeps the queuing request trace, and the sweep sends the command in it from no context at all', async () => {
    const refresh = trace.getTracer('test').startSpan('refresh request');
    const outcome = await context.with(trace.setSpan(context.active(), refresh), () => revalidate(db, request('orders')));
    refresh.end();
    const row = await findJob(db, outcome.jobId);
    expect(row?.trace).toEqual({ traceparent: `00-${refresh.spanContext().traceId}-${refresh.spanContext().spanId}-01` });

    // The first dispatch was "lost": the sweep finds the job undispatched and sends it now.
    const dispatcher = createDispatcher(db, jetstream(nc), names.subjectPrefix, logger);
    expect(trace.getActiveSpan()).toBeUndefined();
    expect(await dispatcher.sweep()).toBe(1);

    const publish = exporter.getFinishedSpans().find((s) => s.name === 'publish sync.requested');
    expect(publish?.spanContext().traceId).toBe(refresh.spanContext().traceId);
    expect(publish?.parentSpanContext?.spanId).toBe(refresh.spanContext().spanId);
    const stored = await (await jetstreamManager(nc)).streams.getMessage(names.commandsStream, { last_by_subj: syncCommandSubject(names.subjectPrefix, 'p10') });
    expect(stored?.header.get(HEADERS.traceparent)).toBe(`00-${publish?.spanContext().traceId}-${publish?.spanContext().spanId}-01`);
    expect(stored?.json<{ jobId: string }>()).toMatchObject({ jobId: outcome.jobId });
  });

  it('a request that joins the job notes it and links to the job trace', async () => {
    const first = trace.getTracer('test').startSpan('first request');
    const queued = await context.with(trace.setSpan(context.active(), first), () => revalidate(db, request('billing')));
    first.end();
    const second = trace.getTracer('test').startSpan('second request');
    await context.with(trace.setSpan(context.active(), second), async () => noteRevalidateOutcome(await revalidate(db, request('billing'))));
    second.end();

    const joined = exporter.getFinishedSpans().find((s) => s.name === 'second request');
    expect(joined?.attributes).toMatchObject({ 'freshet.job.id': queued.jobId, 'freshet.job.joined': true });
    expect(joined?.links.map((l) => l.context.spanId)).toEqual([first.spanContext().spanId]);
    expect(joined?.links[0]?.context.traceId).toBe(first.spanContext().traceId);
  });

  it('a job queued outside any trace keeps none', async () => {
    const outcome = await revalidate(db, request('untraced'));
    expect((await findJob(db, outcome.jobId))?.trace).toBeNull();
  });
});
