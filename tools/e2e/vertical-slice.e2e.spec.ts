// The foundation's vertical slice, through public surfaces only: an item created in the
// upstream reaches an SSE client through ingest, the event store, the outbox, JetStream
// and the gateway; updates and deletions follow; an unchanged re-sync says nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStreamPosition } from '@freshet/contracts';
import { openSse, waitFor, type SseConnection, type SseEvent } from '@freshet/testkit';
import { devAuth, registerSource, requestRefresh } from '../dev/demo-seed';
import { startE2eStack, type E2eStack } from './e2e-stack';

const TENANT = 'acme';
const SOURCE = 'products';
const DATASET = 'acme-products';

let stack: E2eStack;
let sim: string;
let gateway: string;
let sse: SseConnection;

const json = (e: SseEvent) => JSON.parse(e.data) as { type: string; data: Record<string, unknown> };
const jobIdOf = (e: SseEvent) => json(e).data['jobId'];

async function admin(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${sim}${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? {} : ((await res.json()) as Record<string, unknown>);
}

/** Refreshes and waits for the job's completion; returns the events that job produced. */
async function refreshAndWait(): Promise<SseEvent[]> {
  const from = sse.events.length;
  const { jobId } = await requestRefresh(gateway, TENANT, SOURCE);
  await sse.waitFor((e) => e.event === 'job.completed' && jobIdOf(e) === jobId, { from, timeoutMs: 30_000 });
  // The scheduler's ledger learns of the completion from the bus too; until it has, a new
  // refresh would (rightly) join this job. Wait for it so each step gets its own job.
  await waitFor(async () => {
    const job = (await (await fetch(`${stack.urls['sync-scheduler']}/v1/jobs/${jobId}`)).json()) as { status?: string };
    return job.status === 'completed';
  }, { message: `job ${jobId} completed in the ledger` });
  return sse.events.slice(from).filter((e) => jobIdOf(e) === jobId);
}

beforeAll(async () => {
  stack = await startE2eStack('e2e', { gateway: { GATEWAY_HEARTBEAT_MS: '1000' } });
  sim = stack.urls['upstream-sim'];
  gateway = stack.urls.gateway;
  await admin('PUT', `/admin/datasets/${DATASET}`, { count: 60, seed: 7 });
  await registerSource(stack.urls, TENANT, SOURCE, DATASET);
  sse = await openSse(`${gateway}/v1/tenants/${TENANT}/sources/${SOURCE}/events`, { headers: await devAuth(TENANT) });
  expect(sse.status).toBe(200);
  expect(sse.headers.get('content-type')).toMatch(/^text\/event-stream/);
  await sse.waitFor((e) => e.event === 'ready');
}, 120_000);

afterAll(async () => {
  sse?.close();
  await stack?.teardown();
});

describe('an upstream change reaches the browser stream', () => {
  it('streams the first sync of the whole source, one content.created per item', async () => {
    const events = await refreshAndWait();
    const created = events.filter((e) => e.event === 'content.created');
    expect(created).toHaveLength(60);
    expect(events.map((e) => e.event)).toContain('job.started');
    // ids are stream positions <epoch>:<seq>: one epoch, sequences strictly increasing
    const positions = sse.events.filter((e) => e.id !== undefined && e.event !== 'ready').map((e) => parseStreamPosition(e.id ?? ''));
    expect(new Set(positions.map((p) => p?.epoch)).size).toBe(1);
    const ids = positions.map((p) => p?.seq ?? NaN);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('streams content.created for an item created upstream', async () => {
    const item = await admin('POST', `/admin/datasets/${DATASET}/items`, { name: 'Fresh widget', price: 1999, quantity: 3 });
    const events = await refreshAndWait();
    const content = events.filter((e) => e.event.startsWith('content.'));
    expect(content.map((e) => e.event)).toEqual(['content.created']);
    const event = json(content[0]!);
    expect(event.data['key']).toBe(String(item['id']));
    expect(event.data['record']).toMatchObject({ id: item['id'], name: 'Fresh widget', price: 1999 });
    expect(event).toMatchObject({ type: 'content.created' });
  });

  it('streams content.updated for an item changed upstream', async () => {
    const [first] = (await (await fetch(`${sim}/v1/datasets/${DATASET}/items?page=1`)).json()) as Array<{ id: number }>;
    await admin('PATCH', `/admin/datasets/${DATASET}/items/${first!.id}`, { name: 'Renamed widget' });
    const events = await refreshAndWait();
    const content = events.filter((e) => e.event.startsWith('content.'));
    expect(content.map((e) => e.event)).toEqual(['content.updated']);
    expect(json(content[0]!).data['record']).toMatchObject({ id: first!.id, name: 'Renamed widget' });
  });

  it('streams content.deleted when a full sync misses an item', async () => {
    const [first] = (await (await fetch(`${sim}/v1/datasets/${DATASET}/items?page=1`)).json()) as Array<{ id: number }>;
    await admin('DELETE', `/admin/datasets/${DATASET}/items/${first!.id}`);
    const events = await refreshAndWait();
    const content = events.filter((e) => e.event.startsWith('content.'));
    expect(content.map((e) => e.event)).toEqual(['content.deleted']);
    expect(json(content[0]!).data['key']).toBe(String(first!.id));
  });

  it('says nothing about content when nothing changed', async () => {
    const events = await refreshAndWait();
    expect(events.filter((e) => e.event.startsWith('content.'))).toEqual([]);
    const completed = json(events.find((e) => e.event === 'job.completed')!);
    expect(completed.data['stats']).toMatchObject({ created: 0, updated: 0, deleted: 0, unchanged: 60 });
  });
});

describe('an idle stream', () => {
  it('gets a heartbeat comment so proxies keep it open', async () => {
    await waitFor(() => sse.comments.some((c) => c.trim() === 'hb'), { timeoutMs: 5_000, message: 'a heartbeat' });
  });
});

describe('bad input at the public surface', () => {
  it('refuses an unknown channel with 404', async () => {
    expect((await fetch(`${gateway}/v1/tenants/${TENANT}/sources/${SOURCE}/events`)).status).toBe(401);
    const res = await fetch(`${gateway}/v1/tenants/${TENANT}/sources/nope/events`, { headers: await devAuth(TENANT) });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toBe('SOURCE_NOT_FOUND');
  });

  it('refuses a channel token that would break a subject with 400', async () => {
    const res = await fetch(`${gateway}/v1/tenants/acme.*/sources/${SOURCE}/events`, { headers: await devAuth(TENANT) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/tenant/);
  });

  it('answers a malformed Last-Event-ID with a reset (reload snapshots), never an error', async () => {
    const bad = await openSse(`${gateway}/v1/tenants/${TENANT}/sources/${SOURCE}/events`, { headers: { ...(await devAuth(TENANT)), 'last-event-id': 'abc' } });
    try {
      expect(bad.status).toBe(200);
      const reset = await bad.waitFor((e) => e.event === 'reset');
      expect(JSON.parse(reset.data)).toMatchObject({ reason: 'malformed_last_event_id' });
    } finally {
      bad.close();
    }
  });

  it('refuses a refresh with a bad priority and queues nothing', async () => {
    const before = sse.events.length;
    const res = await fetch(`${gateway}/v1/tenants/${TENANT}/sources/${SOURCE}/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await devAuth(TENANT)) },
      body: JSON.stringify({ priority: 99 }),
    });
    expect(res.status).toBe(400);
    await new Promise((r) => setTimeout(r, 500));
    expect(sse.events.slice(before).filter((e) => e.event === 'job.started')).toEqual([]);
  });

  it('resumes after Last-Event-ID with exactly the events that followed', async () => {
    const isEvent = (e: SseEvent) => e.id !== undefined && e.event !== 'ready';
    const withIds = sse.events.filter(isEvent);
    const cut = withIds[withIds.length - 5]!;
    const resumed = await openSse(`${gateway}/v1/tenants/${TENANT}/sources/${SOURCE}/events`, { headers: { ...(await devAuth(TENANT)), 'last-event-id': cut.id! } });
    try {
      const expected = withIds.slice(-4).map((e) => e.id);
      await resumed.waitFor((e) => e.id === expected[expected.length - 1]);
      expect(resumed.events.filter(isEvent).map((e) => e.id)).toEqual(expected);
    } finally {
      resumed.close();
    }
  });
});
