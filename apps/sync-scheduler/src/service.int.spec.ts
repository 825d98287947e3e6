// The scheduler as a running service on the real servers: its revalidate API over NATS
// (with a stand-in ingest directory), dispatch onto the priority tier, the ledger fed by
// job events from the bus, the jobs and status HTTP API, and a retried dead job.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { pino } from 'pino';
import { publishEvent, requestJson, respondJson } from '@freshet/bus';
import {
  RPC,
  getSourceRequestSchema,
  listSourcesRequestSchema,
  revalidateReplySchema,
  rpcSubject,
  syncCommandSchema,
  syncCommandSubject,
  type FreshetEvent,
} from '@freshet/contracts';
import { deleteStreams, dropSchema, testNames, waitFor, TEST_NATS_URL } from '@freshet/testkit';
import { startTestScheduler } from './testing/test-scheduler';

const names = testNames('schedsvc');
const schema = `${names.databaseSchema}_scheduler`;
let nc: NatsConnection;
let scheduler: { url: string; stop(): Promise<void> };
const directory: Subscription[] = [];
const known = new Set(['orders', 'products', 'invoices']);

const revalidateSubject = () => rpcSubject(names.subjectPrefix, RPC.scheduler.service, RPC.scheduler.revalidate);
const ask = (payload: unknown) => requestJson(nc, revalidateSubject(), payload, revalidateReplySchema, 5000);
const http = async <T>(path: string, init?: RequestInit) => {
  const res = await fetch(`${scheduler.url}${path}`, init);
  return { status: res.status, body: (await res.json()) as T };
};

beforeAll(async () => {
  nc = await connect({ servers: TEST_NATS_URL });
  const logger = pino({ level: 'silent' });
  directory.push(
    respondJson(nc, rpcSubject(names.subjectPrefix, RPC.ingest.service, RPC.ingest.getSource), getSourceRequestSchema, logger, async ({ tenant, source }) =>
      known.has(source)
        ? { ok: true, source: { tenant, source, connector: { type: 'http-paged-list', baseUrl: 'http://x', path: '/x' }, lastSyncedAt: null, recordCount: 0 } }
        : { ok: false, error: { code: 'SOURCE_NOT_FOUND', message: `source ${tenant}/${source} does not exist` } },
    'ingest'),
    respondJson(nc, rpcSubject(names.subjectPrefix, RPC.ingest.service, RPC.ingest.listSources), listSourcesRequestSchema, logger, async () => ({
      ok: true,
      sources: [{ tenant: 'acme', source: 'products', lastSyncedAt: null, minAgeMs: 900_000 }],
    }), 'ingest'),
  );
  scheduler = await startTestScheduler(names, schema, {
    SCHEDULER_SCAN_INTERVAL_MS: '600000',
    SCHEDULER_STALE_JOB_MS: '1500',
    SCHEDULER_DISPATCH_SWEEP_MS: '300',
  });
});

afterAll(async () => {
  await scheduler?.stop();
  directory.forEach((s) => s.unsubscribe());
  await nc?.close();
  await dropSchema(schema);
  await deleteStreams([names.eventsStream, names.commandsStream]);
});

describe('sync-scheduler service', () => {
  it('scans at start on the lease holder and queues the never-synced source at background priority', async () => {
    const status = await waitFor(async () => {
      const { body } = await http<{ instanceId: string; leaseHolder: string | null; scan: { leaseHeld: boolean; lastScan: { queued: number } | null; nextScanAt: string } }>(
        '/v1/status',
      );
      return body.scan.lastScan ? body : undefined;
    });
    expect(status.scan).toMatchObject({ leaseHeld: true, lastScan: { queued: 1 } });
    expect(status.leaseHolder).toBe(status.instanceId);
    expect(Date.parse(status.scan.nextScanAt)).toBeGreaterThan(Date.now() + 500_000);
    const { body } = await http<{ jobs: Array<{ source: string; priority: number; reason: string }> }>('/v1/jobs?status=queued');
    expect(body.jobs).toEqual([expect.objectContaining({ source: 'products', priority: 3, reason: 'background scan' })]);
  });

  it('answers revalidate with one job per source, and puts its command on the priority tier', async () => {
    const first = await ask({ tenant: 'acme', source: 'orders', priority: 10, reason: 'user' });
    const second = await ask({ tenant: 'acme', source: 'orders', priority: 5, reason: 'user' });
    expect(first).toMatchObject({ ok: true, joined: false, priority: 10 });
    expect(second).toMatchObject({ ok: true, joined: true, jobId: first.ok ? first.jobId : '' });

    const jsm = await jetstreamManager(nc);
    const message = await jsm.streams.getMessage(names.commandsStream, { last_by_subj: syncCommandSubject(names.subjectPrefix, 'p10') });
    expect(syncCommandSchema.parse(message?.json())).toMatchObject({ jobId: first.ok ? first.jobId : '', source: 'orders', priority: 10 });
  });

  it('refuses an unknown source and a bad request, queueing nothing', async () => {
    expect(await ask({ tenant: 'acme', source: 'ghost', priority: 10, reason: 'user' })).toMatchObject({ ok: false, error: { code: 'SOURCE_NOT_FOUND' } });
    const bad = await ask({ tenant: 'acme', source: 'orders', priority: 11, reason: 'user' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(bad.ok ? '' : bad.error.message).toMatch(/priority/);
    const { body } = await http<{ jobs: Array<{ source: string }> }>('/v1/jobs');
    expect(body.jobs.filter((j) => j.source === 'ghost')).toEqual([]);
  });

  it('follows worker events from the bus into the ledger, lists the dead job with its error, and retries it', async () => {
    const reply = await ask({ tenant: 'acme', source: 'orders', priority: 10, reason: 'user' });
    if (!reply.ok) throw new Error('revalidate failed');
    const js = jetstream(nc);
    const event = (type: string, data: object) => ({ id: randomUUID(), type, tenant: 'acme', source: 'orders', time: new Date().toISOString(), data: { jobId: reply.jobId, ...data } }) as FreshetEvent;
    await publishEvent(js, names.subjectPrefix, event('job.started', { attempt: 1, priority: 10 }));
    await publishEvent(js, names.subjectPrefix, event('job.failed', { attempt: 1, willRetry: false, error: { code: 'UPSTREAM_HTTP_ERROR', message: 'upstream answered 401', retryable: false } }));

    const dead = await waitFor(async () => {
      const { body } = await http<{ jobs: Array<{ jobId: string; lastError: { message: string } }> }>('/v1/jobs?status=dead');
      return body.jobs.find((j) => j.jobId === reply.jobId);
    });
    expect(dead.lastError.message).toBe('upstream answered 401');
    const stats = await http<{ byStatus: Record<string, number>; total: number }>('/v1/jobs/stats');
    expect(stats.body.byStatus['dead']).toBe(1);

    const retried = await http<{ jobId: string; retryOf: string; joined: boolean }>(`/v1/jobs/${reply.jobId}/retry`, { method: 'POST' });
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ retryOf: reply.jobId, joined: false });
    expect(retried.body.jobId).not.toBe(reply.jobId);
    const again = await http<{ error: string }>(`/v1/jobs/${retried.body.jobId}/retry`, { method: 'POST' });
    expect(again).toMatchObject({ status: 409, body: { error: 'JOB_NOT_DEAD' } });
  });

  it('survives malformed worker events, counting them, and keeps following valid ones', async () => {
    const reply = await ask({ tenant: 'acme', source: 'products', priority: 5, reason: 'user' });
    if (!reply.ok) throw new Error('revalidate failed');
    const js = jetstream(nc);
    const subject = `${names.subjectPrefix}.evt.acme.products.job.failed`;
    await js.publish(subject, 'not json at all');
    await js.publish(subject, JSON.stringify({ type: 'job.failed', tenant: 'acme', source: 'products', data: { jobId: 'nope' } }));
    await publishEvent(js, names.subjectPrefix, {
      id: randomUUID(),
      type: 'job.started',
      tenant: 'acme',
      source: 'products',
      time: new Date().toISOString(),
      data: { jobId: reply.jobId, attempt: 1, priority: 5 },
    } as FreshetEvent);
    await waitFor(async () => (await http<{ status: string }>(`/v1/jobs/${reply.jobId}`)).body.status === 'running');
    const metrics = await (await fetch(`${scheduler.url}/metrics`)).text();
    expect(metrics).toMatch(/freshet_bus_invalid_messages_total\{[^}]*consumer="scheduler-ledger"[^}]*\} 2/);
    expect(metrics).toMatch(/freshet_scheduler_queue_depth\{[^}]*priority="10"[^}]*\} \d/);
    expect(metrics).toMatch(/freshet_scheduler_job_transitions_total\{[^}]*status="running"[^}]*\} \d/);
    // Every tier and status has a series, 0 included; the running job is counted.
    for (const priority of ['10', '5', '3', '0']) expect(metrics).toMatch(new RegExp(`freshet_scheduler_queue_depth\\{[^}]*priority="${priority}"[^}]*\\} \\d`));
    expect(metrics).toMatch(/freshet_scheduler_jobs\{[^}]*status="dead"[^}]*\} \d/);
    expect(metrics).toMatch(/freshet_scheduler_jobs\{[^}]*status="running"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/freshet_scheduler_job_transitions_total\{[^}]*status="dead"[^}]*\} \d/);
    expect(metrics).toMatch(/freshet_bus_consumer_pending_messages\{[^}]*consumer="scheduler-ledger"[^}]*\} \d/);
  });

  it('gives a refresh that finds the job running its follow-up, readable at once, sent on its tier when the running job completes', async () => {
    const running = await ask({ tenant: 'acme', source: 'invoices', priority: 3, reason: 'user' });
    if (!running.ok) throw new Error('revalidate failed');
    const js = jetstream(nc);
    const event = (type: string, data: object) => ({ id: randomUUID(), type, tenant: 'acme', source: 'invoices', time: new Date().toISOString(), data: { jobId: running.jobId, ...data } }) as FreshetEvent;
    await publishEvent(js, names.subjectPrefix, event('job.started', { attempt: 1, priority: 3 }));
    await waitFor(async () => (await http<{ status: string }>(`/v1/jobs/${running.jobId}`)).body.status === 'running');

    const refresh = await ask({ tenant: 'acme', source: 'invoices', priority: 10, reason: 'refresh', force: true });
    if (!refresh.ok) throw new Error('refresh failed');
    expect(refresh).toMatchObject({ joined: false, status: 'queued', priority: 10 });
    expect(refresh.jobId).not.toBe(running.jobId);
    expect((await http(`/v1/jobs/${refresh.jobId}`)).body).toMatchObject({ jobId: refresh.jobId, status: 'queued', after: running.jobId, priority: 10 });

    await publishEvent(js, names.subjectPrefix, event('job.completed', { attempt: 1, notes: [], stats: { pages: 1, requests: 1, notModified: 0, created: 0, updated: 0, deleted: 0, unchanged: 1, skipped: 0, savedRequests: 0, durationMs: 5 } }));
    const jsm = await jetstreamManager(nc);
    const command = await waitFor(async () => {
      const message = await jsm.streams.getMessage(names.commandsStream, { last_by_subj: syncCommandSubject(names.subjectPrefix, 'p10') }).catch(() => null);
      const parsed = message ? syncCommandSchema.parse(message.json()) : undefined;
      return parsed?.jobId === refresh.jobId ? parsed : undefined;
    }, { message: 'the follow-up command on the p10 tier' });
    expect(command).toMatchObject({ source: 'invoices', priority: 10 });
    const { body } = await http<{ status: string; after?: string }>(`/v1/jobs/${refresh.jobId}`);
    expect(body.status).toBe('queued');
    expect(body.after).toBeUndefined();
  });

  it('sends the command of an active job nothing was heard of again, so a lost command cannot hold its source', async () => {
    const reply = await ask({ tenant: 'acme', source: 'orders', priority: 5, reason: 'user' });
    if (!reply.ok) throw new Error('revalidate failed');
    const jsm = await jetstreamManager(nc);
    const commandsFor = async () => {
      const { state } = await jsm.streams.info(names.commandsStream);
      let count = 0;
      for (let seq = state.first_seq; seq <= state.last_seq; seq += 1) {
        const message = await jsm.streams.getMessage(names.commandsStream, { seq }).catch(() => null);
        if (message && (message.json() as { jobId: string }).jobId === reply.jobId) count += 1;
      }
      return count;
    };
    expect(await commandsFor()).toBeGreaterThanOrEqual(1);
    await waitFor(async () => (await commandsFor()) >= 2, { timeoutMs: 10_000, message: 'the command sent again' });
  });
});
