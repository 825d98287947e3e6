// The REST routes on the real NATS, with stand-ins answering for the cache, ingest and the
// scheduler: what each route answers and maps, that a credential of tenant acme never
// reaches tenant globex's data through any of them (403 before any service is asked, and
// lists filtered even when a service would leak), bad parameters 400, unknown sources 404,
// and the overview's position captured before its parts, with parts that fail alone.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { ensureStreams, publishEvent, readStreamBounds, topologyFromConfig } from '@freshet/bus';
import { RPC, rpcSubject, type FreshetEvent, type TenantOverview } from '@freshet/contracts';
import { deleteStreams, testNames, TEST_NATS_URL } from '@freshet/testkit';
import { bearer, buildRestTestApp, silentLogger, standIn } from './testing/rest-test-app';

const names = testNames('gwrest');
let nc: NatsConnection;
let app: FastifyInstance;
const standIns: Subscription[] = [];
/** Every request a stand-in service received, by service.method. */
const seen: Record<string, Array<Record<string, unknown>>> = {};
const down = new Set<string>();

const ACME_READ = bearer('acme', 'sources:read');
const ACME_ALL = bearer('acme', 'sources:read', 'sources:refresh', 'admin:read', 'admin:write');
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
const ACME_JOB = randomUUID();
const ACME_DEAD_JOB = randomUUID();
const GLOBEX_DEAD_JOB = randomUUID();

const SNAPSHOT_SYNCED_AT = minutesAgo(1);
const meta = (tenant: string) => ({
  seq: tenant === 'acme' ? 41 : 97,
  epoch: 'EpOcH_1',
  lastSyncedAt: SNAPSHOT_SYNCED_AT,
  ageMs: 60_000,
  staleAfterMs: 3_600_000,
  state: 'fresh',
  servedFrom: 'cache',
  count: 1,
});
const records: Record<string, Record<string, Array<{ key: string; record: Record<string, unknown> }>>> = {
  acme: { orders: [{ key: 'a1', record: { id: 'a1', owner: 'acme' } }] },
  globex: { orders: [{ key: 'g1', record: { id: 'g1', owner: 'globex' } }], secret: [{ key: 's1', record: { owner: 'globex' } }] },
};
const listed = [
  { tenant: 'acme', source: 'billing', lastSyncedAt: minutesAgo(10), minAgeMs: 900_000, staleAfterMs: 60_000 },
  { tenant: 'acme', source: 'orders', displayName: 'Orders', lastSyncedAt: minutesAgo(1), minAgeMs: 900_000, staleAfterMs: 3_600_000 },
  { tenant: 'acme', source: 'stock', lastSyncedAt: null, minAgeMs: 900_000, staleAfterMs: 3_600_000 },
  { tenant: 'globex', source: 'orders', displayName: 'Globex secret orders', lastSyncedAt: minutesAgo(2), minAgeMs: 900_000, staleAfterMs: 3_600_000 },
  { tenant: 'globex', source: 'secret', lastSyncedAt: minutesAgo(2), minAgeMs: 900_000, staleAfterMs: 3_600_000 },
];
const notFound = (tenant: unknown, source: unknown) => ({ ok: false, error: { code: 'SOURCE_NOT_FOUND', message: `source ${String(tenant)}/${String(source)} does not exist` } });
const hasSource = (tenant: unknown, source: unknown) => listed.some((s) => s.tenant === tenant && s.source === source);

function serve(service: string, method: string, handler: (request: Record<string, unknown>) => unknown): void {
  const key = `${service}.${method}`;
  seen[key] = [];
  standIns.push(standIn(nc, rpcSubject(names.subjectPrefix, service, method), (request) => (down.has(key) ? undefined : handler(request)), seen[key]));
}

const get = (url: string, headers: Record<string, string> = ACME_ALL) => app.inject({ method: 'GET', url, headers });
const post = (url: string, body?: unknown, headers: Record<string, string> = ACME_ALL) =>
  app.inject({ method: 'POST', url, headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
const allSeen = () => Object.values(seen).flat();

beforeAll(async () => {
  nc = await connect({ servers: TEST_NATS_URL });
  await ensureStreams(nc, topologyFromConfig({ FRESHET_SUBJECT_PREFIX: names.subjectPrefix, FRESHET_EVENTS_STREAM: names.eventsStream, FRESHET_COMMANDS_STREAM: names.commandsStream, FRESHET_EVENTS_MAX_AGE_HOURS: 1 }), silentLogger);

  serve(RPC.cache.service, RPC.cache.snapshot, ({ tenant, source, cursor }) => {
    if (source === 'slow') return undefined;
    if (source === 'reset') return { ok: false, error: { code: 'SNAPSHOT_RESET', message: 'read the snapshot again from the start' } };
    if (cursor === 'bogus') return { ok: false, error: { code: 'BAD_CURSOR', message: 'cursor is not one this cache gave' } };
    const found = records[tenant as string]?.[source as string];
    return found ? { ok: true, records: found, next: 'c2', meta: meta(tenant as string) } : notFound(tenant, source);
  });
  serve(RPC.ingest.service, RPC.ingest.getHistory, ({ tenant, source, after }) => {
    if (!hasSource(tenant, source)) return notFound(tenant, source);
    const event: FreshetEvent = {
      id: randomUUID(),
      type: 'content.created',
      tenant: tenant as string,
      source: source as string,
      time: '2026-01-01T00:00:00.000Z',
      data: { key: `${String(tenant)}-1`, hash: 'h', record: { owner: tenant }, jobId: randomUUID() },
    };
    return { ok: true, page: { events: [{ position: after ? '8' : '7', event }], ...(after ? {} : { nextAfter: '7' }) } };
  });
  // A leaky directory: it ignores the tenant filter, so the gateway's own filter is what is tested.
  serve(RPC.ingest.service, RPC.ingest.listSources, ({ limit }) => {
    const page = listed.slice(0, Number(limit));
    return { ok: true, sources: page, ...(Number(limit) < listed.length ? { next: `${page.at(-1)?.tenant}/${page.at(-1)?.source}` } : {}) };
  });
  serve(RPC.scheduler.service, RPC.scheduler.revalidate, ({ tenant, source, priority }) =>
    hasSource(tenant, source) ? { ok: true, jobId: ACME_JOB, joined: false, priority, status: 'queued' } : notFound(tenant, source),
  );
  serve(RPC.scheduler.service, RPC.scheduler.retry, ({ tenant, jobId }) => {
    if (tenant === 'acme' && jobId === ACME_DEAD_JOB) return { ok: true, retryOf: jobId, jobId: ACME_JOB, joined: false, priority: 5, status: 'queued' };
    if (tenant === 'acme' && jobId === ACME_JOB) return { ok: false, error: { code: 'JOB_NOT_DEAD', message: `job ${String(jobId)} is queued` } };
    return { ok: false, error: { code: 'JOB_NOT_FOUND', message: `job ${String(jobId)} does not exist` } };
  });
  serve(RPC.scheduler.service, RPC.scheduler.overview, ({ tenant }) => ({
    ok: true,
    jobs: { byStatus: { queued: 1, running: 0, retrying: 0, completed: 4, dead: 1 }, byPriority: { '10': 1, '5': 5 }, total: 6, oldestQueuedAgeMs: 1_000 },
    deadJobs: [
      {
        jobId: tenant === 'acme' ? ACME_DEAD_JOB : GLOBEX_DEAD_JOB,
        source: 'billing',
        priority: 5,
        mode: 'incremental',
        reason: 'background scan',
        attempts: 3,
        lastError: { code: 'UPSTREAM_HTTP_ERROR', message: `upstream answered 401 for ${String(tenant)}` },
        queuedAt: minutesAgo(30),
        finishedAt: minutesAgo(29),
      },
    ],
  }));
  serve(RPC.cache.service, RPC.cache.freshness, ({ tenant, sources }) => ({
    ok: true,
    sources: (sources as Array<{ source: string; staleAfterMs?: number }>).map(({ source, staleAfterMs }) => ({
      source,
      seq: tenant === 'acme' ? 41 : 97,
      lastSyncedAt: source === 'stock' ? null : (listed.find((s) => s.tenant === tenant && s.source === source)?.lastSyncedAt ?? null),
      ageMs: null,
      staleAfterMs: staleAfterMs ?? null,
      state: source === 'billing' ? 'error' : source === 'stock' ? 'revalidating' : 'fresh',
      ...(source === 'billing' ? { error: 'UPSTREAM_HTTP_ERROR: upstream answered 500' } : {}),
      count: source === 'orders' ? 1 : 0,
    })),
  }));
  serve(RPC.cache.service, RPC.cache.stats, ({ tenant }) => ({
    ok: true,
    reads: tenant === 'acme'
      ? { hits: 9, misses: 1, hitRatio: 0.9, servedFrom: { cache: 8, database: 2, upstream: 0 }, since: minutesAgo(60) }
      : { hits: 1, misses: 0, hitRatio: 1, servedFrom: { cache: 1, database: 0, upstream: 0 }, since: minutesAgo(60) },
  }));

  app = await buildRestTestApp({ nc, subjectPrefix: names.subjectPrefix, eventsStream: names.eventsStream });
});

afterAll(async () => {
  await app?.close();
  standIns.forEach((s) => s.unsubscribe());
  await nc?.close();
  await deleteStreams([names.eventsStream, names.commandsStream]);
});

beforeEach(() => {
  down.clear();
  for (const requests of Object.values(seen)) requests.length = 0;
});

describe('access', () => {
  const routes: Array<{ method: 'GET' | 'POST'; path: (tenant: string) => string; scope: string }> = [
    { method: 'GET', path: (t) => `/v1/tenants/${t}/sources/orders/snapshot`, scope: 'sources:read' },
    { method: 'GET', path: (t) => `/v1/tenants/${t}/sources/orders/history`, scope: 'sources:read' },
    { method: 'GET', path: (t) => `/v1/tenants/${t}/sources`, scope: 'sources:read' },
    { method: 'POST', path: (t) => `/v1/tenants/${t}/sources/orders/refresh`, scope: 'sources:refresh' },
    { method: 'GET', path: (t) => `/v1/tenants/${t}/overview`, scope: 'admin:read' },
    { method: 'POST', path: (t) => `/v1/tenants/${t}/jobs/${GLOBEX_DEAD_JOB}/retry`, scope: 'admin:write' },
  ];

  it("refuses every route of another tenant with 403 FOREIGN_TENANT, before asking any service", async () => {
    for (const route of routes) {
      const res = await app.inject({ method: route.method, url: route.path('globex'), headers: ACME_ALL });
      expect(res.statusCode, route.path('globex')).toBe(403);
      expect(res.json()).toMatchObject({ error: 'FOREIGN_TENANT' });
      expect(res.body).not.toContain('g1');
      // Even a path tenant that is not a valid id is refused as foreign, not validated.
      expect((await app.inject({ method: route.method, url: route.path('a%20b'), headers: ACME_ALL })).statusCode).toBe(403);
    }
    expect(allSeen()).toEqual([]);
  });

  it('refuses a missing scope with 403 MISSING_SCOPE and no credential with 401', async () => {
    for (const route of routes) {
      const others = (['sources:read', 'sources:refresh', 'admin:read', 'admin:write'] as const).filter((s) => s !== route.scope);
      const res = await app.inject({ method: route.method, url: route.path('acme'), headers: bearer('acme', ...others) });
      expect(res.statusCode, route.path('acme')).toBe(403);
      expect(res.json()).toEqual({ error: 'MISSING_SCOPE', message: `this needs scope ${route.scope}` });
      const anonymous = await app.inject({ method: route.method, url: route.path('acme') });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json()).toMatchObject({ error: 'UNAUTHENTICATED' });
    }
    expect(allSeen()).toEqual([]);
  });

  it('answers no-store', async () => {
    expect((await get('/v1/tenants/acme/sources/orders/snapshot', ACME_READ)).headers['cache-control']).toBe('no-store');
  });
});

describe('snapshot', () => {
  it('answers the cache page with its stream position, asking for the path tenant', async () => {
    const res = await get('/v1/tenants/acme/sources/orders/snapshot?limit=5&prefix=a&updatedSince=2026-01-01T00:00:00Z', ACME_READ);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ records: records['acme']?.['orders'], next: 'c2', meta: meta('acme'), position: 'EpOcH_1:41' });
    expect(seen['cache.snapshot']).toEqual([
      { tenant: 'acme', source: 'orders', limit: 5, prefix: 'a', updatedSince: '2026-01-01T00:00:00Z', updatedField: 'updatedAt' },
    ]);
  });

  it("never loads another tenant's source through one's own path", async () => {
    const res = await get('/v1/tenants/acme/sources/secret/snapshot', ACME_READ);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'SOURCE_NOT_FOUND' });
    expect(seen['cache.snapshot']?.map((r) => r['tenant'])).toEqual(['acme']);
  });

  it('maps the cache’s refusals and its silence', async () => {
    expect((await get('/v1/tenants/acme/sources/ghost/snapshot')).statusCode).toBe(404);
    expect((await get('/v1/tenants/acme/sources/reset/snapshot?cursor=abc')).json()).toMatchObject({ error: 'SNAPSHOT_RESET' });
    expect((await get('/v1/tenants/acme/sources/reset/snapshot?cursor=abc')).statusCode).toBe(409);
    const badCursor = await get('/v1/tenants/acme/sources/orders/snapshot?cursor=bogus');
    expect([badCursor.statusCode, badCursor.json().error]).toEqual([400, 'BAD_CURSOR']);
    const silent = await get('/v1/tenants/acme/sources/slow/snapshot');
    expect([silent.statusCode, silent.json().error]).toEqual([503, 'CACHE_UNAVAILABLE']);
  });

  it('refuses bad parameters with 400 VALIDATION_FAILED naming them, without asking the cache', async () => {
    const tooMany = await get('/v1/tenants/acme/sources/orders/snapshot?limit=5000');
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json()).toMatchObject({ error: 'VALIDATION_FAILED', details: [{ path: 'query.limit' }] });
    expect((await get('/v1/tenants/acme/sources/orders/snapshot?limt=5')).statusCode).toBe(400);
    expect((await get('/v1/tenants/acme/sources/orders/snapshot?updatedSince=yesterday')).statusCode).toBe(400);
    expect((await get('/v1/tenants/acme/sources/orders/snapshot?updatedField=a.b')).statusCode).toBe(400);
    const reserved = await get('/v1/tenants/acme/sources/_tenant/snapshot');
    expect(reserved.statusCode).toBe(400);
    expect(reserved.json().details).toEqual([{ path: 'path.source', message: expect.any(String) }]);
    expect(seen['cache.snapshot']).toEqual([]);
  });
});

describe('history', () => {
  it("answers a page of the source's events, passing the range, types and paging", async () => {
    const res = await get('/v1/tenants/acme/sources/orders/history?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&types=content.,job.dead&types=source.&limit=10', ACME_READ);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ events: [{ position: '7', event: { tenant: 'acme', source: 'orders', type: 'content.created' } }], nextAfter: '7' });
    expect(seen['ingest.get-history']).toEqual([
      { tenant: 'acme', source: 'orders', from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', types: ['content.', 'job.dead', 'source.'], limit: 10 },
    ]);
    const next = await get('/v1/tenants/acme/sources/orders/history?after=7', ACME_READ);
    expect(next.json()).toMatchObject({ events: [{ position: '8' }] });
    expect(next.json()).not.toHaveProperty('nextAfter');
  });

  it('refuses bad ranges and types, and answers 404 for a source the tenant does not have', async () => {
    expect((await get('/v1/tenants/acme/sources/orders/history?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z')).statusCode).toBe(400);
    expect((await get('/v1/tenants/acme/sources/orders/history?types=DROP%20TABLE')).statusCode).toBe(400);
    expect((await get('/v1/tenants/acme/sources/orders/history?after=-1')).statusCode).toBe(400);
    expect((await get('/v1/tenants/acme/sources/orders/history?limit=0')).statusCode).toBe(400);
    expect(seen['ingest.get-history']).toEqual([]);
    const foreign = await get('/v1/tenants/acme/sources/secret/history');
    expect([foreign.statusCode, foreign.json().error]).toEqual([404, 'SOURCE_NOT_FOUND']);
  });

  it('answers 503 when ingest does not answer', async () => {
    down.add('ingest.get-history');
    const res = await get('/v1/tenants/acme/sources/orders/history');
    expect([res.statusCode, res.json().error]).toEqual([503, 'HISTORY_UNAVAILABLE']);
  });
});

describe('sources', () => {
  it("lists the tenant's sources only, without their connectors, even when the directory answers more", async () => {
    const res = await get('/v1/tenants/acme/sources', ACME_READ);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      sources: [
        { source: 'billing', lastSyncedAt: listed[0]?.lastSyncedAt, staleAfterMs: 60_000 },
        { source: 'orders', displayName: 'Orders', lastSyncedAt: listed[1]?.lastSyncedAt, staleAfterMs: 3_600_000 },
        { source: 'stock', lastSyncedAt: null, staleAfterMs: 3_600_000 },
      ],
    });
    expect(res.body).not.toContain('globex');
    expect(res.body).not.toContain('Globex');
    expect(seen['ingest.list-sources']).toEqual([{ tenant: 'acme', limit: 100 }]);
  });

  it('pages by source id', async () => {
    const first = await get('/v1/tenants/acme/sources?limit=2', ACME_READ);
    expect(first.json()).toMatchObject({ next: 'orders' });
    await get('/v1/tenants/acme/sources?limit=2&after=orders', ACME_READ);
    expect(seen['ingest.list-sources']?.[1]).toEqual({ tenant: 'acme', after: 'acme/orders', limit: 2 });
    expect((await get('/v1/tenants/acme/sources?limit=501', ACME_READ)).statusCode).toBe(400);
    expect((await get('/v1/tenants/acme/sources?after=a%2Fb', ACME_READ)).statusCode).toBe(400);
  });
});

describe('refresh', () => {
  it('asks the scheduler for the path tenant and answers 202 with the job, forced (a sync already running gets a follow-up)', async () => {
    const res = await post('/v1/tenants/acme/sources/orders/refresh', { priority: 5 }, bearer('acme', 'sources:refresh'));
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ jobId: ACME_JOB, joined: false, priority: 5, status: 'queued' });
    expect(seen['scheduler.revalidate']).toEqual([{ tenant: 'acme', source: 'orders', priority: 5, mode: 'incremental', reason: 'refresh requested through the gateway', force: true }]);
    const defaults = await post('/v1/tenants/acme/sources/orders/refresh');
    expect(defaults.json()).toMatchObject({ priority: 10 });
  });

  it('answers 404 for a source the tenant does not have, 400 for a bad body, 503 without a scheduler', async () => {
    expect((await post('/v1/tenants/acme/sources/secret/refresh')).statusCode).toBe(404);
    expect((await post('/v1/tenants/acme/sources/orders/refresh', { priority: 'high' })).statusCode).toBe(400);
    expect((await post('/v1/tenants/acme/sources/orders/refresh', { priority: 5, tenant: 'globex' })).statusCode).toBe(400);
    down.add('scheduler.revalidate');
    const res = await post('/v1/tenants/acme/sources/orders/refresh');
    expect([res.statusCode, res.json().error]).toEqual([503, 'SCHEDULER_UNAVAILABLE']);
  });
});

describe('retry', () => {
  it("retries the tenant's dead job, and answers another tenant's job like a missing one", async () => {
    const res = await post(`/v1/tenants/acme/jobs/${ACME_DEAD_JOB}/retry`, undefined, bearer('acme', 'admin:write'));
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ retryOf: ACME_DEAD_JOB, jobId: ACME_JOB, joined: false, priority: 5, status: 'queued' });
    const foreign = await post(`/v1/tenants/acme/jobs/${GLOBEX_DEAD_JOB}/retry`);
    expect([foreign.statusCode, foreign.json().error]).toEqual([404, 'JOB_NOT_FOUND']);
    expect(seen['scheduler.retry']?.map((r) => r['tenant'])).toEqual(['acme', 'acme']);
    expect((await post(`/v1/tenants/acme/jobs/${ACME_JOB}/retry`)).statusCode).toBe(409);
    expect((await post('/v1/tenants/acme/jobs/not-a-uuid/retry')).statusCode).toBe(400);
  });
});

describe('overview', () => {
  it('captures the stream position first, then answers jobs, dead jobs, sources freshness and cache reads of the tenant only', async () => {
    const js = jetstream(nc);
    for (const key of ['1', '2']) {
      await publishEvent(js, names.subjectPrefix, {
        id: randomUUID(),
        type: 'content.created',
        tenant: 'globex',
        source: 'orders',
        time: new Date().toISOString(),
        data: { key, hash: 'h', record: { id: key }, jobId: randomUUID() },
      } as FreshetEvent);
    }
    const before = await readStreamBounds(nc, names.eventsStream);
    const res = await get('/v1/tenants/acme/overview', bearer('acme', 'admin:read'));
    expect(res.statusCode, res.body).toBe(200);
    const overview = res.json<TenantOverview>();
    expect(overview.position).toBe(`${before.epoch}:${before.lastSeq}`);
    expect(before.lastSeq).toBeGreaterThanOrEqual(2);
    expect(overview.jobs).toEqual({ byStatus: { queued: 1, running: 0, retrying: 0, completed: 4, dead: 1 }, byPriority: { '10': 1, '5': 5 }, total: 6, oldestQueuedAgeMs: 1_000 });
    expect(overview.deadJobs).toEqual([expect.objectContaining({ jobId: ACME_DEAD_JOB, lastError: { code: 'UPSTREAM_HTTP_ERROR', message: 'upstream answered 401 for acme' } })]);
    expect(overview.cache).toMatchObject({ hits: 9, misses: 1, hitRatio: 0.9, servedFrom: { cache: 8, database: 2, upstream: 0 } });
    expect(overview.sources).toEqual([
      expect.objectContaining({ source: 'billing', state: 'error', error: 'UPSTREAM_HTTP_ERROR: upstream answered 500', staleAfterMs: 60_000, seq: 41, count: 0 }),
      expect.objectContaining({ source: 'orders', displayName: 'Orders', state: 'fresh', staleAfterMs: 3_600_000, seq: 41, count: 1 }),
      expect.objectContaining({ source: 'stock', state: 'revalidating', lastSyncedAt: null, ageMs: null }),
    ]);
    expect(overview.sources?.[1]?.ageMs).toBeGreaterThanOrEqual(60_000);
    expect(overview).toMatchObject({ sourcesTruncated: false, unavailable: [] });
    expect(res.body).not.toContain('globex');
    expect(res.body).not.toContain(GLOBEX_DEAD_JOB);

    // Every service was asked for acme, and the cache only about acme's sources.
    expect(allSeen().map((r) => r['tenant'])).toEqual(['acme', 'acme', 'acme', 'acme']);
    expect(seen['cache.freshness']).toEqual([
      { tenant: 'acme', sources: [{ source: 'billing', staleAfterMs: 60_000 }, { source: 'orders', staleAfterMs: 3_600_000 }, { source: 'stock', staleAfterMs: 3_600_000 }] },
    ]);
    expect(seen['scheduler.overview']).toEqual([{ tenant: 'acme', deadLimit: 20 }]);
  });

  it('serves the parts it can read and names the others', async () => {
    down.add('scheduler.overview');
    down.add('cache.freshness');
    const res = await get('/v1/tenants/acme/overview');
    expect(res.statusCode, res.body).toBe(200);
    const overview = res.json<TenantOverview>();
    expect(overview).toMatchObject({ jobs: null, deadJobs: null, cache: { hits: 9 } });
    expect(overview.unavailable).toEqual([
      { part: 'jobs', error: 'SCHEDULER_UNAVAILABLE', message: 'the scheduler did not answer' },
      { part: 'freshness', error: 'CACHE_UNAVAILABLE', message: 'the cache did not answer' },
    ]);
    // Without the cache's views, freshness comes from ingest's last sync.
    expect(overview.sources?.map((s) => [s.source, s.state])).toEqual([
      ['billing', 'stale'],
      ['orders', 'fresh'],
      ['stock', 'stale'],
    ]);
    expect(overview.sources?.[0]).not.toHaveProperty('seq');

    down.add('ingest.list-sources');
    const noSources = (await get('/v1/tenants/acme/overview')).json<TenantOverview>();
    expect(noSources.sources).toBeNull();
    expect(noSources.unavailable.map((u) => u.part)).toEqual(['jobs', 'sources']);
  });
});
