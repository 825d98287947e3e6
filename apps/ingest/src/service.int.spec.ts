// Ingest as a whole, started in-process against the real Postgres and NATS: a source is
// registered over HTTP, then everything else happens through the bus — sync commands in
// (one consumer per priority tier), events out, bad commands survived, duplicate commands
// of a finished job ignored, the source RPCs (get-source, get-records) — and a restart
// (an upgrade from the single consumer of older versions) keeps the data.
// One ingest per file at a time: createServiceMetrics sets the process-global meter
// provider, so the bus's invalid-message counter lands in the first ingest's /metrics.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import pg from 'pg';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, jetstream, jetstreamManager, JetStreamApiError, type JetStreamClient } from '@nats-io/jetstream';
import { consumeOrdered, publishSyncCommand, requestJson, streamState, type ConsumerHandle } from '@freshet/bus';
import {
  allEventsSubject,
  allSyncCommandsSubject,
  freshetEventSchema,
  PRIORITY_TIERS,
  getRecordsReplySchema,
  getSourceReplySchema,
  RPC,
  rpcSubject,
  syncCommandSubject,
  type FreshetEvent,
  type GetSourceReply,
  type SyncCommandInput,
} from '@freshet/contracts';
import { createSchema, deleteStreams, dropSchema, testNames, TEST_DATABASE_URL, TEST_NATS_URL, waitFor } from '@freshet/testkit';
import { loadIngestConfig } from './config';
import { startIngest, syncCommandTiers, type RunningIngest } from './service';
import { startFakeUpstream, type FakeUpstream } from './testing/fake-upstream';

const TENANT = 'acme';
const SOURCE = 'products';
/** Two pages of the fake upstream (50 per page). */
const ITEMS = 75;
const ACK_WAIT_MS = 2_000;

const names = testNames('ingestsvc');
const silent = pino({ level: 'silent' });
const config = loadIngestConfig({
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'silent',
  NATS_URL: TEST_NATS_URL,
  DATABASE_URL: TEST_DATABASE_URL,
  DATABASE_SCHEMA: names.databaseSchema,
  FRESHET_SUBJECT_PREFIX: names.subjectPrefix,
  FRESHET_EVENTS_STREAM: names.eventsStream,
  FRESHET_COMMANDS_STREAM: names.commandsStream,
  // Short, so "not redelivered" can be observed past one ack wait.
  INGEST_ACK_WAIT_MS: String(ACK_WAIT_MS),
  INGEST_RETRY_BASE_MS: '1000',
  OUTBOX_POLL_MS: '100',
});

let upstream: FakeUpstream;
let ingest: RunningIngest | undefined;
let restarted: RunningIngest | undefined;
let nc: NatsConnection;
let js: JetStreamClient;
let follower: ConsumerHandle;
/** Every event on the events stream since sequence 1, in stream order. */
const seen: Array<{ seq: number; subject: string; event: FreshetEvent }> = [];

/** The tier consumer commands of priority 10 go to. */
const P10_CONSUMER = `${config.INGEST_CONSUMER}-p10`;
let firstJobId: string | undefined;

const sourceUrl = (base: string, source = SOURCE) => `${base}/internal/v1/sources/${TENANT}/${source}`;
const jobIdOf = (event: FreshetEvent): string | undefined => (event.data as { jobId?: string }).jobId;
const eventsOfJob = (jobId: string) => seen.filter((s) => jobIdOf(s.event) === jobId);

function syncCommand(overrides: Partial<SyncCommandInput> = {}): SyncCommandInput & { jobId: string } {
  return {
    type: 'sync.requested',
    commandId: randomUUID(),
    jobId: overrides.jobId ?? randomUUID(),
    tenant: TENANT,
    source: SOURCE,
    priority: overrides.priority ?? 10,
    reason: 'service integration test',
    requestedAt: new Date().toISOString(),
  };
}

async function waitForJob(jobId: string, type: 'job.completed' | 'job.failed' = 'job.completed') {
  return waitFor(() => seen.find((s) => s.event.type === type && jobIdOf(s.event) === jobId), {
    timeoutMs: 20_000,
    message: `${type} of job ${jobId} on the events stream (saw: ${seen.map((s) => s.event.type).join(', ') || 'nothing'})`,
  });
}

/** Waits until the events stream holds nothing the follower has not delivered, then a little longer. */
async function settledStream(): Promise<number> {
  await new Promise((r) => setTimeout(r, 1_000));
  const { messages, last_seq } = await streamState(nc, names.eventsStream);
  await waitFor(() => seen.at(-1)?.seq === last_seq, { message: `follower to reach stream sequence ${last_seq}` });
  return messages;
}

async function getSource(base: string, source = SOURCE): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(sourceUrl(base, source));
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function putSource(base: string, body: unknown, source = SOURCE): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(sourceUrl(base, source), {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function askSource(payload: string | Uint8Array): Promise<GetSourceReply> {
  const reply = await nc.request(rpcSubject(names.subjectPrefix, RPC.ingest.service, RPC.ingest.getSource), payload, { timeout: 5_000 });
  return getSourceReplySchema.parse(reply.json());
}

/** Sum of a Prometheus counter's samples whose labels include all of `labels`. */
function counterValue(exposition: string, metric: string, labels: Record<string, string>): number | undefined {
  let total: number | undefined;
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== metric) continue;
    const text = match[2] ?? '';
    if (!Object.entries(labels).every(([k, v]) => text.includes(`${k}="${v}"`))) continue;
    total = (total ?? 0) + Number(match[3]);
  }
  return total;
}

async function migrationState(): Promise<{ applied: string[]; epoch: string | undefined; events: number }> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const schema = names.databaseSchema;
    const applied = await client.query<{ name: string }>(
      `select name from "${schema}".event_store_migration union all select name from "${schema}".ingest_migration order by name`,
    );
    const epoch = await client.query<{ value: string }>(`select value from "${schema}".store_meta where key = 'epoch'`);
    const events = await client.query<{ count: string }>(`select count(*) as count from "${schema}".events`);
    return { applied: applied.rows.map((r) => r.name), epoch: epoch.rows[0]?.value, events: Number(events.rows[0]?.count) };
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await createSchema(names.databaseSchema);
  upstream = await startFakeUpstream(ITEMS);
  ingest = await startIngest(config, silent);
  nc = await connect({ servers: TEST_NATS_URL, name: 'ingest-service-int-spec' });
  js = jetstream(nc);
  follower = await consumeOrdered({
    nc,
    stream: names.eventsStream,
    filterSubject: allEventsSubject(names.subjectPrefix),
    startSequence: 1,
    schema: freshetEventSchema,
    logger: silent,
    name: 'spec-follower',
    onMessage: (event, meta) => void seen.push({ seq: meta.streamSequence, subject: meta.subject, event }),
  });
});

afterAll(async () => {
  await follower?.stop();
  await nc?.close();
  await ingest?.stop();
  await restarted?.stop();
  await upstream?.close();
  await dropSchema(names.databaseSchema);
  await deleteStreams([names.eventsStream, names.commandsStream]);
});

describe('ingest service', () => {
  it('registers a source through its HTTP API', async () => {
    const put = await putSource(ingest!.url, { displayName: 'Products', connector: { type: 'http-paged-list', baseUrl: upstream.url, path: '/items' } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      tenant: TENANT,
      source: SOURCE,
      // (the stored connector may be the preset's expanded form: only what was asked for is checked)
      connector: { baseUrl: upstream.url, path: '/items', primaryKey: 'id' },
      lastSyncedAt: null,
      recordCount: 0,
    });
    expect(await getSource(ingest!.url)).toMatchObject({ status: 200, body: { tenant: TENANT, source: SOURCE, recordCount: 0 } });
  });

  it('runs a sync command from the bus and publishes job.started, one content.created per item and job.completed, each once', async () => {
    const command = syncCommand();
    firstJobId = command.jobId;
    const published = await publishSyncCommand(js, names.subjectPrefix, command);
    expect(published.duplicate).toBe(false);

    await waitForJob(command.jobId);
    const total = await settledStream();
    // Nothing on the stream twice: one message per event id, and the follower saw them all.
    expect(seen).toHaveLength(total);
    expect(new Set(seen.map((s) => s.event.id)).size).toBe(seen.length);

    const job = eventsOfJob(command.jobId);
    const types = job.map((s) => s.event.type);
    expect(types.filter((t) => t === 'job.started')).toHaveLength(1);
    expect(types.filter((t) => t === 'job.completed')).toHaveLength(1);
    expect(types.filter((t) => t === 'job.failed')).toHaveLength(0);
    expect(types[0]).toBe('job.started');
    expect(types.at(-1)).toBe('job.completed');

    const created = job.filter((s) => s.event.type === 'content.created');
    expect(created).toHaveLength(ITEMS);
    const keys = created.map((s) => (s.event.data as { key: string }).key);
    expect(new Set(keys)).toEqual(new Set(upstream.items.map((item) => String(item.id))));
    for (const { subject, event } of job) {
      expect(event).toMatchObject({ tenant: TENANT, source: SOURCE });
      expect(subject).toBe(`${names.subjectPrefix}.evt.${TENANT}.${SOURCE}.${event.type}`);
    }
    expect(job.at(-1)!.event.data).toMatchObject({ attempt: 1, stats: { pages: 2, created: ITEMS, updated: 0, deleted: 0 } });

    // Republishing the same command is dropped by the command stream's duplicate window.
    expect(await publishSyncCommand(js, names.subjectPrefix, command)).toMatchObject({ duplicate: true, seq: published.seq });
    expect(await getSource(ingest!.url)).toMatchObject({ status: 200, body: { recordCount: ITEMS, lastSyncedAt: expect.any(String) } });
  });

  it('survives garbage and schema-invalid commands: drops them for good, counts them, keeps consuming', async () => {
    const subject = syncCommandSubject(names.subjectPrefix, 'p10');
    const garbage = await js.publish(subject, new Uint8Array([0xff, 0xfe, 0x00, 0x7b, 0x22]));
    const invalid = await js.publish(subject, JSON.stringify({ type: 'sync.requested', tenant: TENANT, source: SOURCE, priority: 99 }));
    expect(invalid.seq).toBeGreaterThan(garbage.seq);

    upstream.items.unshift({ id: ITEMS + 1, name: 'after the garbage', price: 1 });
    const command = syncCommand();
    const valid = await publishSyncCommand(js, names.subjectPrefix, command);
    expect(valid.seq).toBeGreaterThan(invalid.seq);
    await waitForJob(command.jobId);
    const content = eventsOfJob(command.jobId).filter((s) => s.event.type.startsWith('content.'));
    expect(content.map((s) => [s.event.type, (s.event.data as { key: string }).key])).toEqual([['content.created', String(ITEMS + 1)]]);

    // Past more than one ack wait: nothing pending, nothing redelivered, the work queue is empty.
    await new Promise((r) => setTimeout(r, ACK_WAIT_MS * 2));
    const jsm = await jetstreamManager(nc);
    const info = await jsm.consumers.info(names.commandsStream, P10_CONSUMER);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_redelivered).toBe(0);
    expect(info.num_pending).toBe(0);
    expect(info.delivered.stream_seq).toBe(valid.seq);
    expect((await streamState(nc, names.commandsStream)).messages).toBe(0);

    const res = await fetch(`${ingest!.url}/metrics`);
    expect(res.status).toBe(200);
    const exposition = await res.text();
    // Counted once each: a redelivery would have counted again.
    const labels = { stream: names.commandsStream, consumer: P10_CONSUMER };
    expect(counterValue(exposition, 'freshet_bus_invalid_messages_total', labels)).toBe(2);
  });

  it('exports sync metrics: upstream requests by status, pages, records by action, jobs, duration', async () => {
    const exposition = await (await fetch(`${ingest!.url}/metrics`)).text();
    const source = { tenant: TENANT, source: SOURCE };
    // two syncs so far: 2 pages each, 75 then 1 created, 75 unchanged on the second
    expect(counterValue(exposition, 'freshet_upstream_requests_total', { ...source, status: '200' })).toBe(4);
    expect(counterValue(exposition, 'freshet_sync_pages_total', source)).toBe(4);
    expect(counterValue(exposition, 'freshet_sync_records_total', { ...source, action: 'created' })).toBe(ITEMS + 1);
    expect(counterValue(exposition, 'freshet_sync_records_total', { ...source, action: 'unchanged' })).toBe(ITEMS);
    expect(counterValue(exposition, 'freshet_sync_jobs_total', { ...source, outcome: 'completed' })).toBe(2);
    expect(counterValue(exposition, 'freshet_sync_duration_seconds_count', { ...source, outcome: 'completed' })).toBe(2);
    // Each of the four requests timed (the HTTP client semantic convention), by upstream and status, not by source.
    expect(counterValue(exposition, 'http_client_request_duration_seconds_count', { 'http_request_method': 'GET', 'http_response_status_code': '200' })).toBe(4);
  });

  it('refuses a bad source definition with 400 naming the field, and writes nothing', async () => {
    const badUrl = await putSource(ingest!.url, { connector: { type: 'http-paged-list', baseUrl: 'ftp://x', path: '/items' } }, 'broken');
    expect(badUrl.status).toBe(400);
    expect(badUrl.body).toMatchObject({ error: 'VALIDATION_FAILED', message: expect.stringContaining('connector.baseUrl') });

    const noConnector = await putSource(ingest!.url, { displayName: 'no connector' }, 'broken');
    expect(noConnector.status).toBe(400);
    expect(noConnector.body).toMatchObject({ error: 'VALIDATION_FAILED', message: expect.stringMatching(/\bconnector\b/) });

    expect(await getSource(ingest!.url, 'broken')).toMatchObject({ status: 404, body: { error: 'SOURCE_NOT_FOUND' } });

    // A bad update of an existing source leaves its definition as it was.
    const badUpdate = await putSource(ingest!.url, { connector: { type: 'http-paged-list', baseUrl: upstream.url, path: 'no-slash' } });
    expect(badUpdate.status).toBe(400);
    expect(badUpdate.body).toMatchObject({ message: expect.stringContaining('connector.path') });
    expect(await getSource(ingest!.url)).toMatchObject({ status: 200, body: { displayName: 'Products', connector: { path: '/items' } } });
  });

  it('answers the get-source RPC: the source, SOURCE_NOT_FOUND, BAD_REQUEST', async () => {
    const found = await askSource(JSON.stringify({ tenant: TENANT, source: SOURCE }));
    expect(found).toMatchObject({ ok: true, source: { tenant: TENANT, source: SOURCE, recordCount: ITEMS + 1, lastSyncedAt: expect.any(String) } });

    const missing = await askSource(JSON.stringify({ tenant: TENANT, source: 'ghost' }));
    expect(missing).toMatchObject({ ok: false, error: { code: 'SOURCE_NOT_FOUND', message: expect.stringContaining(`${TENANT}/ghost`) } });

    expect(await askSource('not json at all')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/JSON/) } });
    expect(await askSource(new Uint8Array([0xff, 0x00]))).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await askSource(JSON.stringify({ tenant: TENANT }))).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('source') } });
    expect(await askSource(JSON.stringify({ tenant: 'acme.*', source: SOURCE }))).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringContaining('tenant') },
    });
  });

  it('answers the get-records RPC: the synced records in byte order of their keys, paged', async () => {
    const subject = rpcSubject(names.subjectPrefix, RPC.ingest.service, RPC.ingest.getRecords);
    const keys: string[] = [];
    let after: string | undefined;
    do {
      const page = await requestJson(nc, subject, { tenant: TENANT, source: SOURCE, limit: 20, ...(after ? { after } : {}) }, getRecordsReplySchema, 5_000);
      if (!page.ok) throw new Error(`get-records failed: ${page.error.message}`);
      expect(page).toMatchObject({ count: ITEMS + 1, lastSyncedAt: expect.any(String) });
      keys.push(...page.records.map((r) => r.key));
      after = page.next;
    } while (after);
    // "1", "10", "11", …, "19", "2", "20", …: bytes, not numbers.
    const ids = Array.from({ length: ITEMS + 1 }, (_, i) => String(i + 1));
    expect(keys).toEqual(ids.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    expect(await requestJson(nc, subject, { tenant: TENANT, source: 'ghost' }, getRecordsReplySchema, 5_000)).toMatchObject({ ok: false, error: { code: 'SOURCE_NOT_FOUND' } });
  });

  it('consumes each priority tier with its own durable', async () => {
    const jsm = await jetstreamManager(nc);
    const tiers = syncCommandTiers(config);
    expect(tiers.map((t) => t.durable)).toEqual(PRIORITY_TIERS.map((tier) => `${config.INGEST_CONSUMER}-${tier}`));
    for (const tier of tiers) {
      const info = await jsm.consumers.info(names.commandsStream, tier.durable);
      expect(info.config).toMatchObject({ filter_subject: syncCommandSubject(names.subjectPrefix, tier.name as (typeof PRIORITY_TIERS)[number]), ack_policy: 'explicit' });
    }
  });

  it('acks a duplicate command of a completed job without running it again', async () => {
    const jobId = firstJobId!;
    expect(eventsOfJob(jobId).filter((s) => s.event.type === 'job.completed')).toHaveLength(1);
    const requestsBefore = counterValue(await (await fetch(`${ingest!.url}/metrics`)).text(), 'freshet_upstream_requests_total', { tenant: TENANT, source: SOURCE });

    // The same job again, as a priority raise re-dispatching it on another tier would send it.
    const duplicate = await publishSyncCommand(js, names.subjectPrefix, syncCommand({ jobId, priority: 5 }));
    expect(duplicate.duplicate).toBe(false);
    const jsm = await jetstreamManager(nc);
    await waitFor(
      async () => {
        const info = await jsm.consumers.info(names.commandsStream, `${config.INGEST_CONSUMER}-p5`);
        return info.delivered.stream_seq === duplicate.seq && info.num_ack_pending === 0 && (await streamState(nc, names.commandsStream)).messages === 0;
      },
      { message: 'the duplicate command acked' },
    );
    await settledStream();
    const types = eventsOfJob(jobId).map((s) => s.event.type);
    expect(types.filter((t) => t === 'job.started')).toHaveLength(1);
    expect(types.filter((t) => t === 'job.completed')).toHaveLength(1);
    expect(types.filter((t) => t === 'job.failed')).toHaveLength(0);
    const requestsAfter = counterValue(await (await fetch(`${ingest!.url}/metrics`)).text(), 'freshet_upstream_requests_total', { tenant: TENANT, source: SOURCE });
    expect(requestsAfter).toBe(requestsBefore);
  });

  it('stops cleanly, and a second ingest on the same schema migrates as a no-op and keeps the data', async () => {
    const before = await migrationState();
    expect(before.applied.length).toBeGreaterThan(0);
    const eventsOnStream = await settledStream();

    const first = ingest!;
    ingest = undefined;
    await expect(first.stop()).resolves.toBeUndefined();
    await expect(fetch(`${first.url}/healthz`)).rejects.toThrow();

    // Upgrading from an ingest with one consumer over every tier: that consumer would overlap
    // the tier consumers on the work-queue stream, so the new ingest deletes it.
    const jsm = await jetstreamManager(nc);
    for (const tier of syncCommandTiers(config)) await jsm.consumers.delete(names.commandsStream, tier.durable);
    await jsm.consumers.add(names.commandsStream, {
      durable_name: config.INGEST_CONSUMER,
      ack_policy: AckPolicy.Explicit,
      filter_subject: allSyncCommandsSubject(names.subjectPrefix),
    });

    restarted = await startIngest(config, silent);
    expect(restarted.url).not.toBe(first.url);
    const legacy = await jsm.consumers.info(names.commandsStream, config.INGEST_CONSUMER).catch((error: unknown) => error);
    expect(legacy).toBeInstanceOf(JetStreamApiError);
    expect((legacy as JetStreamApiError).message).toMatch(/consumer not found/);
    for (const tier of syncCommandTiers(config)) expect((await jsm.consumers.info(names.commandsStream, tier.durable)).num_pending).toBe(0);
    expect(await migrationState()).toEqual(before);
    expect(await getSource(restarted.url)).toMatchObject({ status: 200, body: { recordCount: ITEMS + 1, lastSyncedAt: expect.any(String) } });

    // The relay resumes from its checkpoint (nothing republished) and the durable consumer still takes commands.
    expect(await settledStream()).toBe(eventsOnStream);
    upstream.items.unshift({ id: ITEMS + 2, name: 'after the restart', price: 2 });
    const command = syncCommand();
    await publishSyncCommand(js, names.subjectPrefix, command);
    await waitForJob(command.jobId);
    expect(eventsOfJob(command.jobId).map((s) => s.event.type)).toEqual(['job.started', 'content.created', 'job.completed']);
    expect(await getSource(restarted.url)).toMatchObject({ status: 200, body: { recordCount: ITEMS + 2 } });
  });
});
