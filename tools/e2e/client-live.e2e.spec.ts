// @freshet/client against the real stack (gateway + ingest + scheduler + cache +
// upstream-sim), in Node, through public surfaces only. The client reaches the gateway
// through a TCP proxy, so the test can cut its stream like a broken network would.
//
//   1. snapshot + live: a source store loads the snapshot, goes live, and an upstream change
//      refreshed with store.refresh() shows 'revalidating' at once, then 'fresh' with the data.
//   2. resume: the stream is cut while the source changes; the client reconnects with
//      Last-Event-ID and ends equal to a fresh snapshot, with no duplicate and no reset.
//   3. reset: cut again while more changes than GATEWAY_REPLAY_MAX_EVENTS happen; the
//      gateway answers the resume with `reset: replay_limit`, the client reloads the
//      snapshot and ends equal to a fresh one.
//   4. auth: a token that expires mid-stream ends in 'auth-expired' with no reconnect loop
//      (until retry() with a renewed token); a rejected token never opens a stream.
// A monitor stream opened straight to the gateway (no proxy) is the reference for what
// happened while the client was cut off.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFreshetClient, type FreshetClient, type FreshetClientOptions, type SourceStore } from '@freshet/client';
import type { SnapshotResponse } from '@freshet/contracts';
import { openSse, startTcpProxy, waitFor, type SseConnection, type SseEvent, type TcpProxy } from '@freshet/testkit';
import { devAuth, registerSource, requestRefresh } from '../dev/demo-seed';
import { devToken } from '../dev/dev-token';
import { startE2eStack, type E2eStack } from './e2e-stack';

const TENANT = 'acme';
const SOURCE = 'gadgets';
const DATASET = 'acme-gadgets';
const INITIAL_ITEMS = 30;
/** Low, so that phase 3 outruns it while phase 2 (a handful of events) stays within it. */
const REPLAY_MAX_EVENTS = 40;

type Rec = Record<string, unknown>;

let stack: E2eStack;
let proxy: TcpProxy;
let monitor: SseConnection;
const clients: FreshetClient[] = [];

async function admin(method: string, path: string, body?: unknown): Promise<Rec> {
  const res = await fetch(`${stack.urls['upstream-sim']}${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? {} : ((await res.json()) as Rec);
}

/** The whole snapshot read fresh through the gateway, as `key → record`. */
async function freshSnapshot(): Promise<{ records: Record<string, Rec>; meta: SnapshotResponse['meta'] }> {
  const records: Record<string, Rec> = {};
  let cursor: string | undefined;
  let meta: SnapshotResponse['meta'] | undefined;
  do {
    const query = new URLSearchParams({ limit: '1000', ...(cursor ? { cursor } : {}) });
    const res = await fetch(`${stack.urls.gateway}/v1/tenants/${TENANT}/sources/${SOURCE}/snapshot?${query}`, { headers: await devAuth(TENANT) });
    if (res.status !== 200) throw new Error(`snapshot: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as SnapshotResponse;
    for (const { key, record } of page.records) records[key] = record;
    meta = page.meta;
    cursor = page.next;
  } while (cursor !== undefined);
  return { records, meta: meta as SnapshotResponse['meta'] };
}

const storeRecords = (store: SourceStore) => Object.fromEntries(store.getState().records.map((r) => [r.key, r.record]));
const jobIdOf = (event: SseEvent) => (JSON.parse(event.data) as { data: { jobId?: string } }).data.jobId;
const seqOf = (position: string | undefined) => Number(position?.split(':')[1] ?? NaN);

/** The seq of the last event of the source the monitor received (the reference history). */
function lastSourceSeq(): number {
  const ids = monitor.events.filter((e) => e.id !== undefined && e.event !== 'ready' && e.event !== 'reset').map((e) => seqOf(e.id));
  return Math.max(0, ...ids);
}

/**
 * Waits until the store has applied every event of the source the monitor saw and holds
 * exactly what a fresh snapshot holds. (A snapshot's own seq is not a bound for the store:
 * read from the database it is the stream's global position, past events of other channels.)
 */
async function expectStoreEqualsSnapshot(store: SourceStore, message: string): Promise<void> {
  let last: { store: Rec; snapshot: Rec; storeSeq: number; monitorSeq: number; meta: unknown } | undefined;
  try {
    await waitFor(
      async () => {
        const snapshot = await freshSnapshot();
        const storeSeq = seqOf(store.getState().position);
        last = { store: storeRecords(store), snapshot: snapshot.records, storeSeq, monitorSeq: lastSourceSeq(), meta: snapshot.meta };
        return storeSeq >= last.monitorSeq && JSON.stringify(last.store) === JSON.stringify(last.snapshot);
      },
      { timeoutMs: 30_000, intervalMs: 250, message },
    );
  } catch (error) {
    expect(last?.store, message).toEqual(last?.snapshot);
    throw new Error(`${message}: store at seq ${last?.storeSeq}, monitor at ${last?.monitorSeq}, snapshot meta ${JSON.stringify(last?.meta)}`, { cause: error });
  }
}

/** Asks for a sync straight at the gateway and waits for its completion on the monitor. */
async function syncNow(): Promise<void> {
  const from = monitor.events.length;
  const { jobId } = await requestRefresh(stack.urls.gateway, TENANT, SOURCE);
  await monitor.waitFor((e) => e.event === 'job.completed' && jobIdOf(e) === jobId, { from, timeoutMs: 30_000 });
}

function newClient(options: Partial<FreshetClientOptions> = {}): FreshetClient {
  const client = createFreshetClient({
    baseUrl: `http://${proxy.url()}`,
    tenant: TENANT,
    auth: { kind: 'bearer', token: () => devToken({ tenant: TENANT }) },
    reconnect: { initialDelayMs: 100, maxDelayMs: 500, maxAttempts: 100 },
    ...options,
  });
  clients.push(client);
  return client;
}

/** Counts the stream requests a client makes. */
function countingFetch(): { fetch: typeof fetch; streams: () => number } {
  let streams = 0;
  return {
    fetch: (input, init) => {
      if (String(input).includes('/stream?')) streams += 1;
      return fetch(input, init);
    },
    streams: () => streams,
  };
}

beforeAll(async () => {
  stack = await startE2eStack('e2eclient', { gateway: { GATEWAY_HEARTBEAT_MS: '1000', GATEWAY_REPLAY_MAX_EVENTS: String(REPLAY_MAX_EVENTS) } });
  proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(stack.urls.gateway).port) });
  await admin('PUT', `/admin/datasets/${DATASET}`, { count: INITIAL_ITEMS, seed: 5 });
  await registerSource(stack.urls, TENANT, SOURCE, DATASET);
  monitor = await openSse(`${stack.urls.gateway}/v1/tenants/${TENANT}/sources/${SOURCE}/events`, { headers: await devAuth(TENANT) });
  await monitor.waitFor((e) => e.event === 'ready');
  await syncNow();
  await waitFor(async () => Object.keys((await freshSnapshot()).records).length === INITIAL_ITEMS, { timeoutMs: 20_000, message: 'the view holds the dataset' });
}, 120_000);

afterAll(async () => {
  for (const client of clients) client.close();
  monitor?.close();
  await proxy?.close();
  await stack?.teardown();
});

describe('@freshet/client against the real gateway', () => {
  let client: FreshetClient;
  let store: SourceStore;

  it('loads the snapshot, goes live, and refresh() goes revalidating → fresh with the new data', async () => {
    client = newClient();
    store = client.source(SOURCE);
    const freshness: string[] = [];
    store.subscribe(() => {
      const current = store.getState().freshness;
      if (freshness.at(-1) !== current) freshness.push(current);
    });
    await waitFor(() => store.getState().status === 'ready', { message: 'the snapshot loaded' });
    expect(store.getState().records).toHaveLength(INITIAL_ITEMS);
    expect(store.getState().meta).toMatchObject({ servedFrom: 'cache', count: INITIAL_ITEMS });
    await waitFor(() => client.connection.getState().state === 'live', { message: 'the stream is live' });

    const [first] = store.getState().records;
    const key = first?.key as string;
    await admin('PATCH', `/admin/datasets/${DATASET}/items/${key}`, { name: 'refreshed by the client' });
    const refresh = store.refresh();
    expect(store.getState().freshness).toBe('revalidating');
    expect((await refresh).jobId).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(() => store.getState().freshness === 'fresh' && storeRecords(store)[key]?.['name'] === 'refreshed by the client', {
      timeoutMs: 30_000,
      message: 'fresh, with the patched record',
    });
    expect(freshness.slice(freshness.indexOf('revalidating'))).toEqual(['revalidating', 'fresh']);
    await expectStoreEqualsSnapshot(store, 'store = snapshot after the refresh');
  });

  it('resumes after a cut stream: nothing missed, nothing doubled, no reset', async () => {
    const before = client.stats;
    const monitorFrom = monitor.events.length;
    proxy.cut();
    await waitFor(() => client.connection.getState().state === 'reconnecting', { message: 'the client noticed the cut' });

    const keys = store.getState().records.map((r) => r.key);
    for (const key of keys.slice(1, 4)) await admin('PATCH', `/admin/datasets/${DATASET}/items/${key}`, { name: `changed while cut ${key}` });
    await admin('DELETE', `/admin/datasets/${DATASET}/items/${keys[5]}`);
    await admin('POST', `/admin/datasets/${DATASET}/items`, { name: 'created while cut', price: 100, quantity: 1 });
    await syncNow();
    const missed = monitor.events.slice(monitorFrom).filter((e) => e.event.startsWith('content.'));
    expect(missed.length).toBeGreaterThanOrEqual(5);
    expect(client.connection.getState().state).not.toBe('live');

    proxy.restore();
    await waitFor(() => client.connection.getState().state === 'live', { timeoutMs: 20_000, message: 'live again' });
    await expectStoreEqualsSnapshot(store, 'store = snapshot after the resume');
    const after = client.stats;
    expect(after.reconnects).toBeGreaterThan(before.reconnects);
    expect(after.resets).toBe(before.resets);
    expect(after.duplicateEvents).toBe(before.duplicateEvents);
    expect(after.malformedEvents).toBe(0);
    // The last change the monitor saw is what the store applied last (or before a later one).
    const lastMissed = missed.at(-1)?.id as string;
    expect(seqOf(store.getState().position)).toBeGreaterThanOrEqual(seqOf(lastMissed));
  });

  it('reloads the snapshot when the gateway cannot resume (reset: replay_limit)', async () => {
    const before = client.stats;
    let reloads = 0;
    const stopCounting = store.subscribe(() => {
      if (store.getState().status === 'loading') reloads += 1;
    });
    proxy.cut();
    await waitFor(() => client.connection.getState().state === 'reconnecting', { message: 'the client noticed the cut' });
    // More changes than the gateway replays.
    for (let i = 0; i < REPLAY_MAX_EVENTS + 5; i += 1) await admin('POST', `/admin/datasets/${DATASET}/items`, { name: `bulk ${i}`, price: i, quantity: 1 });
    await syncNow();
    proxy.restore();
    await waitFor(() => client.stats.resets > before.resets, { timeoutMs: 20_000, message: 'a reset' });
    await waitFor(() => client.connection.getState().state === 'live', { timeoutMs: 20_000, message: 'live again' });
    await expectStoreEqualsSnapshot(store, 'store = snapshot after the reset');
    expect(store.getState().records.length).toBeGreaterThanOrEqual(INITIAL_ITEMS + REPLAY_MAX_EVENTS);
    expect(reloads).toBeGreaterThan(0);
    stopCounting();
  });

  it('ends in auth-expired when the token expires mid-stream, without a reconnect loop; retry() with a new token resumes', async () => {
    let ttl = 4;
    const counting = countingFetch();
    const short = newClient({ auth: { kind: 'bearer', token: () => devToken({ tenant: TENANT, ttl }) }, fetch: counting.fetch });
    const shortStore = short.source(SOURCE);
    shortStore.subscribe(() => undefined);
    await waitFor(() => short.connection.getState().state === 'live', { timeoutMs: 20_000, message: 'live' });
    await waitFor(() => short.connection.getState().state === 'auth-expired', { timeoutMs: 15_000, message: 'auth-expired at the token expiry' });
    const streams = counting.streams();
    await sleep(2_000);
    expect(short.connection.getState().state).toBe('auth-expired');
    expect(counting.streams()).toBe(streams);

    ttl = 3_600;
    short.connection.retry();
    await waitFor(() => short.connection.getState().state === 'live', { timeoutMs: 20_000, message: 'live after retry()' });
    await expectStoreEqualsSnapshot(shortStore, 'the renewed client is current');
  });

  it('a rejected token is auth-expired at once and opens no stream', async () => {
    const counting = countingFetch();
    const rejected = newClient({ auth: { kind: 'bearer', token: await devToken({ tenant: TENANT, secret: 'another-secret-of-at-least-32-characters!' }) }, fetch: counting.fetch });
    const rejectedStore = rejected.source(SOURCE);
    rejectedStore.subscribe(() => undefined);
    await waitFor(() => rejected.connection.getState().state === 'auth-expired', { message: 'auth-expired' });
    expect(rejectedStore.getState()).toMatchObject({ status: 'error', error: { code: 'INVALID_TOKEN_SIGNATURE', status: 401 } });
    await sleep(1_000);
    expect(counting.streams()).toBe(0);
    expect(rejected.connection.getState()).toMatchObject({ state: 'auth-expired', lastError: { status: 401 } });
  });
});
