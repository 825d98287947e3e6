// The client as a whole against a fake of the gateway's HTTP surface (snapshots and SSE
// streams written frame by frame): stores + the one stream + reconnects + control events.
// The real gateway is exercised in tools/e2e/client-*.e2e.spec.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFreshetClient } from './client';
import { FakeGateway, type FakeStream } from './testing/fake-gateway';
import { contentDeleted, contentUpserted, EPOCH, jobCompleted, snapshotMeta, TENANT } from './testing/events';
import type { ClientAuth, FreshetClient, FreshetClientOptions, SourceStore } from './types';

const clients: FreshetClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

function setup(options: Partial<FreshetClientOptions> = {}, auth: ClientAuth = { kind: 'bearer', token: 'tok' }) {
  const gateway = new FakeGateway();
  gateway.snapshots.set('orders', { records: [{ key: 'o1', record: { v: 1 } }, { key: 'o2', record: { v: 1 } }], meta: snapshotMeta(10, { count: 2 }) });
  gateway.snapshots.set('users', { records: [{ key: 'u1', record: { v: 1 } }], meta: snapshotMeta(25, { count: 1 }) });
  const logger = { warn: vi.fn(), error: vi.fn() };
  const client = createFreshetClient({
    baseUrl: 'http://gw.test',
    tenant: TENANT,
    auth,
    fetch: gateway.fetch,
    reconnect: { initialDelayMs: 10, maxDelayMs: 40, jitter: 0, maxAttempts: 3 },
    releaseGraceMs: 30,
    logger,
    ...options,
  });
  clients.push(client);
  return { gateway, client, logger };
}

const pos = (seq: number, epoch = EPOCH) => `${epoch}:${seq}`;
const keysOf = (store: SourceStore) => store.getState().records.map((r) => `${r.key}=${String(r.record['v'])}`);
const eventually = (check: () => void) => vi.waitFor(check, { timeout: 2_000, interval: 5 });

async function liveOn(gateway: FakeGateway, index: number, client: FreshetClient): Promise<FakeStream> {
  const stream = await gateway.stream(index);
  stream.ready(stream.lastEventId ?? pos(0));
  await eventually(() => expect(client.connection.getState().state).toBe('live'));
  return stream;
}

describe('client: snapshot then live events', () => {
  it('loads the snapshot on the first subscriber, opens the stream from its position and applies events', async () => {
    const { gateway, client } = setup();
    const orders = client.source('orders');
    expect(client.source('orders')).toBe(orders);
    expect(orders.getState().status).toBe('idle');
    const seen: string[] = [];
    orders.subscribe(() => seen.push(orders.getState().status));
    await eventually(() => expect(orders.getState().status).toBe('ready'));
    expect(keysOf(orders)).toEqual(['o1=1', 'o2=1']);

    const stream = await gateway.stream(0);
    expect(stream.channels).toEqual(['source:orders']);
    expect(stream.lastEventId).toBe(pos(10));
    expect(stream.request.headers).toMatchObject({ accept: 'text/event-stream', authorization: 'Bearer tok' });
    expect(client.connection.getState().state).toBe('connecting');
    stream.ready(pos(10));
    await eventually(() => expect(client.connection.getState()).toMatchObject({ state: 'live', position: pos(10) }));

    stream.send({ id: pos(11), event: 'content.updated', data: contentUpserted('orders', 'o1', { v: 2 }) });
    stream.send({ id: pos(12), event: 'content.deleted', data: contentDeleted('orders', 'o2') });
    await eventually(() => expect(keysOf(orders)).toEqual(['o1=2']));
    expect(orders.getState()).toMatchObject({ position: pos(12), changed: { keys: expect.arrayContaining(['o2']) } });
    expect(client.connection.getState().position).toBe(pos(12));
    expect(seen[0]).toBe('loading');
  });

  it('adds a channel by reopening from min(stream position, new snapshot), skipping what a store already has', async () => {
    const { gateway, client } = setup();
    const orders = client.source('orders');
    orders.subscribe(() => undefined);
    const first = await liveOn(gateway, 0, client);
    first.send({ id: pos(30), event: 'content.updated', data: contentUpserted('orders', 'o1', { v: 3 }) });
    await eventually(() => expect(keysOf(orders)).toContain('o1=3'));

    const users = client.source('users'); // snapshot at 25 < stream at 30
    users.subscribe(() => undefined);
    const second = await gateway.stream(1);
    expect(first.closed).toBe(true);
    expect(second.channels).toEqual(['source:orders', 'source:users']);
    expect(second.lastEventId).toBe(pos(25));
    second.ready(pos(25));
    // The gateway replays from 25: the orders event at 30 again (a duplicate for orders), a users event at 28.
    second.send({ id: pos(28), event: 'content.updated', data: contentUpserted('users', 'u1', { v: 2 }) });
    second.send({ id: pos(30), event: 'content.updated', data: contentUpserted('orders', 'o1', { v: 3 }) });
    second.send({ id: pos(31), event: 'content.updated', data: contentUpserted('orders', 'o1', { v: 4 }) });
    await eventually(() => expect(keysOf(orders)).toEqual(['o1=4', 'o2=1']));
    expect(keysOf(users)).toEqual(['u1=2']);
    expect(client.stats.duplicateEvents).toBe(1);
  });

  it('releases a channel after the grace period and reopens without it', async () => {
    const { gateway, client } = setup();
    const stop = client.source('orders').subscribe(() => undefined);
    client.source('users').subscribe(() => undefined);
    const first = await liveOn(gateway, 0, client);
    first.send({ id: pos(40), event: 'content.updated', data: contentUpserted('users', 'u1', { v: 5 }) });
    await eventually(() => expect(keysOf(client.source('users'))).toEqual(['u1=5']));
    stop();
    const second = await gateway.stream(1);
    expect(second.channels).toEqual(['source:users']);
    expect(second.lastEventId).toBe(pos(40));
  });

  it('refresh(): revalidating at once, fresh when the job completes', async () => {
    const { gateway, client } = setup();
    const orders = client.source('orders');
    orders.subscribe(() => undefined);
    const stream = await liveOn(gateway, 0, client);
    expect(orders.getState().freshness).toBe('cached');
    const refreshed = orders.refresh();
    expect(orders.getState().freshness).toBe('revalidating');
    const { jobId } = await refreshed;
    const post = gateway.requests.find((r) => r.method === 'POST');
    expect(post?.url.pathname).toBe(`/v1/tenants/${TENANT}/sources/orders/refresh`);
    stream.send({ id: pos(11), event: 'content.updated', data: contentUpserted('orders', 'o9', { v: 1 }) });
    await eventually(() => expect(keysOf(orders)).toContain('o9=1'));
    expect(orders.getState().freshness).toBe('revalidating');
    stream.send({ id: pos(12), event: 'job.completed', data: jobCompleted('orders', jobId) });
    await eventually(() => expect(orders.getState().freshness).toBe('fresh'));
  });

  it('uses the cookie on the stream (credentials include, no Authorization)', async () => {
    const { gateway, client } = setup({}, { kind: 'cookie' });
    client.source('orders').subscribe(() => undefined);
    const stream = await gateway.stream(0);
    expect(stream.request.credentials).toBe('include');
    expect(stream.request.headers['authorization']).toBeUndefined();
  });
});

describe('client: malformed events', () => {
  it('ignores and counts them, warns once, and keeps applying valid ones', async () => {
    const { gateway, client, logger } = setup();
    const orders = client.source('orders');
    orders.subscribe(() => undefined);
    const stream = await liveOn(gateway, 0, client);
    const good = JSON.stringify(contentUpserted('orders', 'o1', { v: 7 }));
    stream.write(
      [
        `id: ${pos(11)}\nevent: content.updated\ndata: {"broken json\n\n`,
        `id: not-a-position\nevent: content.updated\ndata: ${good}\n\n`,
        `id: ${pos(12)}\nevent: content.updated\ndata: ${JSON.stringify({ type: 'content.updated', data: {} })}\n\n`,
        `id: ${pos(13)}\nevent: content.updated\ndata: ${good}\n\n`,
      ].join(''),
    );
    await eventually(() => expect(keysOf(orders)).toContain('o1=7'));
    expect(client.stats.malformedEvents).toBe(3);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(String(logger.warn.mock.calls[0]?.[0])).toMatch(/malformed/);
  });
});

describe('client: reconnects and resets', () => {
  it('reconnects after a drop with Last-Event-ID = the last event id', async () => {
    const { gateway, client } = setup();
    const orders = client.source('orders');
    orders.subscribe(() => undefined);
    const first = await liveOn(gateway, 0, client);
    first.send({ id: pos(15), event: 'content.deleted', data: contentDeleted('orders', 'o1') });
    await eventually(() => expect(keysOf(orders)).toEqual(['o2=1']));
    first.fail();
    await eventually(() => expect(client.connection.getState().state).toBe('reconnecting'));
    const second = await gateway.stream(1);
    expect(second.lastEventId).toBe(pos(15));
    second.ready(pos(15));
    await eventually(() => expect(client.connection.getState()).toMatchObject({ state: 'live', attempt: 0 }));
    expect(client.stats.reconnects).toBe(1);
  });

  it('goes offline after the last attempt and reconnects on retry()', async () => {
    const { gateway, client } = setup();
    client.source('orders').subscribe(() => undefined);
    gateway.refuseStream = () => Response.json({ error: 'EVENTS_STREAM_UNAVAILABLE', message: 'down' }, { status: 503 });
    await eventually(() => expect(client.connection.getState()).toMatchObject({ state: 'offline', attempt: 3, lastError: { code: 'EVENTS_STREAM_UNAVAILABLE', status: 503 } }));
    const attempts = gateway.requests.filter((r) => r.url.pathname.endsWith('/stream')).length;
    expect(attempts).toBe(4); // the first + 3 reconnects
    gateway.refuseStream = undefined;
    client.connection.retry();
    await liveOn(gateway, 0, client);
  });

  it('a 401 at connect is auth-expired, with no reconnect loop', async () => {
    const { gateway, client } = setup();
    client.source('orders').subscribe(() => undefined);
    gateway.refuseStream = () => Response.json({ error: 'TOKEN_EXPIRED', message: 'expired' }, { status: 401 });
    await eventually(() => expect(client.connection.getState()).toMatchObject({ state: 'auth-expired', lastError: { code: 'TOKEN_EXPIRED', status: 401 } }));
    await new Promise((r) => setTimeout(r, 150));
    expect(gateway.requests.filter((r) => r.url.pathname.endsWith('/stream'))).toHaveLength(1);
    gateway.refuseStream = undefined;
    client.connection.retry();
    await liveOn(gateway, 0, client);
  });

  it('an auth-expired event stops the stream for good', async () => {
    const { gateway, client } = setup();
    client.source('orders').subscribe(() => undefined);
    const stream = await liveOn(gateway, 0, client);
    stream.send({ event: 'auth-expired', data: { reason: 'credential_expired', expiresAt: '2026-01-01T00:00:00Z' } });
    stream.end();
    await eventually(() => expect(client.connection.getState().state).toBe('auth-expired'));
    await new Promise((r) => setTimeout(r, 150));
    expect(gateway.streams).toHaveLength(1);
  });

  it('on reset, reloads every store and reopens from the minimum of their positions', async () => {
    const { gateway, client } = setup();
    const orders = client.source('orders');
    const users = client.source('users');
    orders.subscribe(() => undefined);
    users.subscribe(() => undefined);
    const stream = await liveOn(gateway, 0, client);
    expect(stream.lastEventId).toBe(pos(10));
    // Meanwhile the data moved on; the gateway cannot resume and says reset.
    gateway.snapshots.set('orders', { records: [{ key: 'o3', record: { v: 9 } }], meta: snapshotMeta(60, { count: 1 }) });
    gateway.snapshots.set('users', { records: [{ key: 'u1', record: { v: 8 } }], meta: snapshotMeta(55, { count: 1 }) });
    stream.send({ id: pos(70), event: 'reset', data: { reason: 'replay_limit', position: pos(70) } });
    const reopened = await gateway.stream(1);
    expect(reopened.lastEventId).toBe(pos(55));
    expect(keysOf(orders)).toEqual(['o3=9']);
    expect(keysOf(users)).toEqual(['u1=8']);
    expect(client.stats.resets).toBe(1);
    const snapshotReads = gateway.requests.filter((r) => r.url.pathname.endsWith('/snapshot'));
    expect(snapshotReads).toHaveLength(4);
  });

  it('reloads a store that gets an event of another epoch', async () => {
    const { gateway, client } = setup();
    const orders = client.source('orders');
    orders.subscribe(() => undefined);
    const stream = await liveOn(gateway, 0, client);
    gateway.snapshots.set('orders', { records: [{ key: 'n1', record: { v: 1 } }], meta: snapshotMeta(3, { epoch: 'ep2', count: 1 }) });
    stream.send({ id: pos(4, 'ep2'), event: 'content.deleted', data: contentDeleted('orders', 'o1') });
    await eventually(() => expect(keysOf(orders)).toEqual(['n1=1']));
    const reopened = await gateway.stream(1);
    expect(reopened.lastEventId).toBe(pos(3, 'ep2'));
  });
});

describe('client: overview', () => {
  it('loads the overview, joins the admin channel from its position and follows admin events', async () => {
    const { gateway, client } = setup();
    gateway.overview = {
      position: pos(50),
      jobs: { byStatus: { queued: 0, running: 0, retrying: 0, completed: 3, dead: 0 }, byPriority: {}, total: 3, oldestQueuedAgeMs: null },
      deadJobs: [],
      cache: null,
      sources: [{ source: 'orders', lastSyncedAt: null, ageMs: null, state: 'stale', staleAfterMs: 60_000 }],
      sourcesTruncated: false,
      unavailable: [],
    };
    const overview = client.overview();
    expect(client.overview()).toBe(overview);
    overview.subscribe(() => undefined);
    const stream = await liveOn(gateway, 0, client);
    expect(stream.channels).toEqual(['admin']);
    expect(stream.lastEventId).toBe(pos(50));
    stream.send({ id: pos(51), event: 'source.status', data: { id: crypto.randomUUID(), tenant: TENANT, source: 'orders', time: '2026-01-01T00:00:00Z', type: 'source.status', data: { state: 'revalidating' } } });
    stream.send({ id: pos(52), event: 'content.deleted', data: contentDeleted('orders', 'o1') });
    await eventually(() => expect(overview.getState().overview?.sources?.[0]?.state).toBe('revalidating'));
    const reads = () => gateway.requests.filter((r) => r.url.pathname.endsWith('/overview')).length;
    expect(reads()).toBe(1);
    gateway.overview = { ...gateway.overview, position: pos(60) };
    stream.send({ id: pos(53), event: 'job.completed', data: jobCompleted('orders', crypto.randomUUID()) });
    // Job counts are reread (quietly: the view stays ready) after job events.
    await vi.waitFor(() => expect(reads()).toBe(2), { timeout: 3_000, interval: 20 });
    expect(overview.getState().status).toBe('ready');
    // Reread at a position after the stream's: the stream it is on already covers it.
    await new Promise((r) => setTimeout(r, 50));
    expect(gateway.streams).toHaveLength(1);
  });
});

describe('client: REST calls', () => {
  function restClient(auth: ClientAuth, answer: (url: URL, init: RequestInit | undefined) => Response) {
    const seen: { url: URL; init: RequestInit | undefined }[] = [];
    const client = createFreshetClient({
      baseUrl: 'http://gw.test',
      tenant: TENANT,
      auth,
      fetch: async (input, init) => {
        const url = new URL(String(input));
        seen.push({ url, init });
        return answer(url, init);
      },
    });
    clients.push(client);
    return { client, seen };
  }

  it('lists every page of sources', async () => {
    const { client, seen } = restClient({ kind: 'bearer', token: 't' }, (url) =>
      url.searchParams.get('after') === null
        ? Response.json({ sources: [{ source: 'a', lastSyncedAt: null }], next: 'a' })
        : Response.json({ sources: [{ source: 'b', lastSyncedAt: '2026-01-01T00:00:00Z', staleAfterMs: 1000 }] }),
    );
    expect((await client.listSources()).map((s) => s.source)).toEqual(['a', 'b']);
    expect(seen.map((s) => s.url.search)).toEqual(['?limit=500', '?limit=500&after=a']);
  });

  it('reads history with its query, and retries a job with the CSRF header under cookie auth', async () => {
    const jobId = crypto.randomUUID();
    const { client, seen } = restClient({ kind: 'cookie' }, (url) =>
      url.pathname.endsWith('/history')
        ? Response.json({ events: [{ position: '17', event: contentDeleted('orders', 'k') }], nextAfter: '17' })
        : Response.json({ retryOf: jobId, jobId: crypto.randomUUID(), joined: false, priority: 10, status: 'queued' }, { status: 202 }),
    );
    const page = await client.history('orders', { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', types: ['content.', 'job.dead'], limit: 50 });
    expect(page).toMatchObject({ nextAfter: '17', events: [{ position: '17', event: { type: 'content.deleted' } }] });
    expect(seen[0]?.url.pathname).toBe(`/v1/tenants/${TENANT}/sources/orders/history`);
    expect(Object.fromEntries(seen[0]?.url.searchParams ?? [])).toEqual({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', types: 'content.,job.dead', limit: '50' });
    const retried = await client.retryJob(jobId);
    expect(retried.jobId).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen[1]?.url.pathname).toBe(`/v1/tenants/${TENANT}/jobs/${jobId}/retry`);
    expect(new Headers(seen[1]?.init?.headers).get('x-freshet-csrf')).toBe('1');
    expect(seen[1]?.init?.credentials).toBe('include');
  });

  it('rejects with the gateway error', async () => {
    const { client } = restClient({ kind: 'bearer', token: 't' }, () => Response.json({ error: 'JOB_NOT_DEAD', message: 'still running' }, { status: 409 }));
    await expect(client.retryJob(crypto.randomUUID())).rejects.toMatchObject({ code: 'JOB_NOT_DEAD', status: 409, message: 'still running' });
  });
});

describe('client: retry() while live', () => {
  it('leaves a live stream alone', async () => {
    const { gateway, client } = setup();
    client.source('orders').subscribe(() => undefined);
    await liveOn(gateway, 0, client);
    client.connection.retry();
    expect(client.connection.getState().state).toBe('live');
    await new Promise((r) => setTimeout(r, 50));
    expect(gateway.streams).toHaveLength(1);
  });
});
