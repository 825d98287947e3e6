// One revalidation per source, end to end: 1,000 concurrent reads of stale data, split
// across two cache replicas (the stack's cache and a second process with the same
// environment — one Redis key prefix and one projection consumer between them), cause
// exactly one sync. Counted where it costs money, at the pay-per-call upstream
// (upstream-sim's request counters), and cross-checked in the scheduler's job ledger and
// on the gateway's admin channel (the cache's claim and the job's events).
//
// The scenario is the one `npm run bench -- cache` measures (tools/bench/cache.bench.ts):
// sync once, wait until the view is stale, reset the upstream's counters, slow the
// upstream down so the one revalidation is still running while every read lands, fire the
// reads, wait for the revalidated view. The cache's view is watched through the gateway's
// overview, which reads it without starting a revalidation (a snapshot read of stale data
// would itself be a stale read, and start one).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotPage, TenantOverview } from '@freshet/contracts';
import { openSse, waitFor, type SseConnection, type SseEvent, freePort } from '@freshet/testkit';
import { AppProcess } from '../dev/app-process';
import { devAuth, requestRefresh } from '../dev/demo-seed';
import { startE2eStack, type E2eStack } from './e2e-stack';

const TENANT = 'acme';
const SOURCE = 'swr';
const DATASET = 'acme-swr';
/** Ten pages of 5: one sync is ten requests, so a second sync (or a part of one) cannot hide in the count. */
const ITEMS = 50;
const PAGE_SIZE = 5;
const PAGES = ITEMS / PAGE_SIZE;
/**
 * Short, so the test waits little for the first sync to go stale; long enough that the
 * revalidated view is still fresh when the test reads it after watching it land (event
 * time → projection → overview poll → read), even on a loaded machine. With 1 s, a read
 * that came a little late would be a stale read itself and rightly start a second sync.
 */
const STALE_AFTER_MS = 3_000;
/**
 * Upstream latency of every page while the reads land. A page that arrives while it is
 * set takes this long, so the revalidation cannot end sooner than PAGES × this (20 s)
 * after its first request unless the latency is lifted — which the test does only once
 * every read has been answered, so it then waits out at most one page's latency. 1,000
 * reads took 1.5–6.3 s on a 2-core machine at load 5–9 (mostly in this test's own process).
 */
const UPSTREAM_LATENCY_MS = 2_000;
const READS = 1_000;

let stack: E2eStack;
let replica2: AppProcess | undefined;
/** The two cache replicas' base URLs: the stack's cache, then the second replica. */
let caches: [string, string];
/** The tenant's admin channel: job and source.status events of every source. */
let admin: SseConnection | undefined;
let sim: string;
let firstJobId: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function ok(response: Response, what: string): Promise<Response> {
  if (!response.ok) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return response;
}

async function simAdmin(method: string, path: string, body?: unknown): Promise<void> {
  const init: RequestInit = body === undefined ? { method } : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  await ok(await fetch(`${sim}${path}`, init), `${method} ${path}`);
}

/** What upstream-sim counted for the dataset since the last reset, by outcome (every answer counts, refused and faulted ones too). */
async function simCounts(): Promise<{ total: number; byOutcome: Record<string, number> }> {
  const stats = (await (await ok(await fetch(`${sim}/admin/stats`), 'upstream stats')).json()) as { byDataset: Record<string, Record<string, unknown>> };
  const byOutcome: Record<string, number> = {};
  for (const [outcome, n] of Object.entries(stats.byDataset[DATASET] ?? {})) if (typeof n === 'number' && n > 0) byOutcome[outcome] = n;
  return { total: Object.values(byOutcome).reduce((a, b) => a + b, 0), byOutcome };
}

type OverviewSource = NonNullable<TenantOverview['sources']>[number];

/** The source as the gateway's overview shows the cache's view (observing never starts a revalidation). */
async function viewOf(): Promise<OverviewSource> {
  const res = await ok(await fetch(`${stack.urls.gateway}/v1/tenants/${TENANT}/overview`, { headers: await devAuth(TENANT) }), 'overview');
  const overview = (await res.json()) as TenantOverview;
  const source = overview.sources?.find((s) => s.source === SOURCE);
  // Without the cache's part the overview falls back on ingest's lastSyncedAt: not the view.
  if (!source || overview.unavailable.length > 0 || source.count === undefined) {
    throw new Error(`the overview does not show the cache's view of ${SOURCE}: ${JSON.stringify(overview.unavailable)}`);
  }
  return source;
}

interface Job {
  jobId: string;
  source: string;
  status: string;
  priority: number;
  reason: string;
}

/** The scheduler's jobs of the source, newest first. */
async function jobsOfSource(): Promise<Job[]> {
  const res = await ok(await fetch(`${stack.urls['sync-scheduler']}/v1/jobs?tenant=${TENANT}&limit=500`), 'scheduler jobs');
  return ((await res.json()) as { jobs: Job[] }).jobs.filter((job) => job.source === SOURCE);
}

interface Answer {
  replica: 1 | 2;
  status: number;
  page?: SnapshotPage;
  error?: string;
}

async function readSnapshot(replica: 1 | 2): Promise<Answer> {
  try {
    const res = await fetch(`${caches[replica - 1]}/internal/v1/snapshots/${TENANT}/${SOURCE}?limit=1000`);
    const text = await res.text();
    if (res.status !== 200) return { replica, status: res.status, error: text.slice(0, 300) };
    return { replica, status: res.status, page: JSON.parse(text) as SnapshotPage };
  } catch (error) {
    return { replica, status: 0, error: error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : String(error) };
  }
}

/** "n × what; …", for failure messages and the log. */
function tally<T>(items: readonly T[], label: (item: T) => string): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(label(item), (counts.get(label(item)) ?? 0) + 1);
  return [...counts].map(([what, n]) => `${n} × ${what}`).join('; ');
}

const eventOf = (e: SseEvent) => JSON.parse(e.data) as { type: string; source: string; data: { state?: string; jobId?: string; lastSyncedAt?: string } };

const timings: Record<string, number> = {};
const started = performance.now();
const mark = (what: string) => (timings[what] = Math.round(performance.now() - started));

beforeAll(async () => {
  // No background scan: every sync in this run is one the test or the cache asked for.
  stack = await startE2eStack('swr', { 'sync-scheduler': { SCHEDULER_SCAN_ENABLED: 'false' } });
  sim = stack.urls['upstream-sim'];
  mark('stack');

  // The second replica starts while the first sync runs; afterAll stops it whatever happens.
  const port = await freePort();
  const second = new AppProcess({ name: 'cache-2', entry: 'apps/cache/src/main.ts', env: { ...stack.processes.cache.options.env, PORT: String(port) }, output: stack.logFile });
  replica2 = second;
  caches = [stack.urls.cache, `http://127.0.0.1:${port}`];
  const secondReady = waitFor(
    async () => {
      if (!second.running) throw new Error(`cache-2 exited during start-up (exit code ${second.child.exitCode}); see ${stack.logFile}`);
      return (await fetch(`${caches[1]}/readyz`)).ok;
    },
    { timeoutMs: 60_000, intervalMs: 200, message: 'the second cache replica to be ready' },
  );
  secondReady.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile

  admin = await openSse(`${stack.urls.gateway}/v1/tenants/${TENANT}/stream?channel=admin`, { headers: await devAuth(TENANT) });
  expect(admin.status).toBe(200);
  await admin.waitFor((e) => e.event === 'ready');

  await simAdmin('PUT', `/admin/datasets/${DATASET}`, { count: ITEMS, seed: 11 });
  await ok(
    await fetch(`${stack.urls.ingest}/internal/v1/sources/${TENANT}/${SOURCE}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        displayName: 'stale reads',
        connector: {
          type: 'http',
          baseUrl: sim,
          path: `/v1/datasets/${DATASET}/items`,
          timeoutMs: 30_000,
          // Every sync lists every page (incremental: full, the default), so every sync costs the same.
          pagination: { type: 'pageNumber', pageParam: 'page', totalPagesHeader: 'x-pages', pageSizeParam: 'page_size', pageSize: PAGE_SIZE },
        },
        staleAfterMs: STALE_AFTER_MS,
      }),
    }),
    'registering the source',
  );
  // The first sync, asked for as a user would (a read now would be a stale read: never synced).
  ({ jobId: firstJobId } = await requestRefresh(stack.urls.gateway, TENANT, SOURCE));
  await Promise.all([
    secondReady,
    waitFor(
      async () => {
        const view = await viewOf();
        return view.count === ITEMS && view.lastSyncedAt !== null;
      },
      { timeoutMs: 30_000, intervalMs: 150, message: `the cache's view to hold ${ITEMS} synced records` },
    ),
  ]);
  mark('first sync + replica 2');
}, 90_000);

afterAll(async () => {
  admin?.close();
  await replica2?.stop();
  await stack?.teardown();
});

describe('stale-while-revalidate across replicas', () => {
  it(`answers ${READS} concurrent stale reads over two replicas at once, and the upstream sees exactly one sync`, async () => {
    const synced = await viewOf();
    expect(synced).toMatchObject({ count: ITEMS, staleAfterMs: STALE_AFTER_MS });
    const firstSyncedAt = synced.lastSyncedAt!;
    // Everything upstream-sim counted so far was the first sync's: one sync's price.
    const oneSync = await simCounts();
    expect(oneSync, 'one sync = one clean request per page').toEqual({ total: PAGES, byOutcome: { list: PAGES } });
    expect((await jobsOfSource()).map((job) => job.jobId)).toEqual([firstJobId]);

    // Slow upstream, so the revalidation outlasts the burst. Then wait until the view is stale.
    await simAdmin('PUT', `/admin/datasets/${DATASET}/faults`, { latencyMs: UPSTREAM_LATENCY_MS });
    await sleep(Math.max(0, Date.parse(firstSyncedAt) + STALE_AFTER_MS + 200 - Date.now()));
    expect(await viewOf(), 'stale, and nothing revalidating it yet').toMatchObject({ state: 'stale', lastSyncedAt: firstSyncedAt });
    expect(await simCounts(), 'no request since the first sync').toEqual(oneSync);
    await simAdmin('POST', '/admin/stats/reset');
    expect((await simCounts()).total).toBe(0);
    const eventsFrom = admin!.events.length;
    mark('stale');

    // The burst: every read at once, alternating between the replicas.
    const burstStarted = performance.now();
    const answers = await Promise.all(Array.from({ length: READS }, (_, i) => readSnapshot(i % 2 === 0 ? 1 : 2)));
    const burstMs = Math.round(performance.now() - burstStarted);
    mark('burst');
    // The premise: the revalidation was still running when the last read was answered. Had
    // it landed mid-burst, later reads would rightly say `fresh` (and, 3 s on, `stale`
    // again and start a second sync): the upstream latency would be too short for this machine.
    const during = await viewOf();
    expect(during.lastSyncedAt, `the revalidation landed before the ${burstMs} ms burst ended: raise UPSTREAM_LATENCY_MS`).toBe(firstSyncedAt);
    expect(during.state, 'its sync has not landed: the cache must still hold the revalidation (its marker)').toBe('revalidating');
    // Every read is in: the upstream may be quick again (the page in flight keeps its latency).
    await simAdmin('DELETE', `/admin/datasets/${DATASET}/faults`);

    // Every read was answered at once: 200, the whole view, from the cache, saying the data
    // is being revalidated — on both replicas. Not `fresh`: the premise shows no read could
    // have seen the new sync. Not `stale` or `error`: Redis took the claim and the scheduler the sync.
    const summary = tally(answers, (a) =>
      a.page ? `${a.status} ${a.page.meta.state} from ${a.page.meta.servedFrom} on replica ${a.replica}, ${a.page.records.length} records` : `${a.status} on replica ${a.replica}: ${a.error}`,
    );
    expect(answers.filter((a) => a.status !== 200), summary).toEqual([]);
    expect(answers.filter((a) => a.replica === 1)).toHaveLength(READS / 2);
    const pages = answers.map((a) => a.page!);
    expect(new Set(pages.map((p) => p.meta.state)), summary).toEqual(new Set(['revalidating']));
    expect(new Set(pages.map((p) => p.meta.servedFrom)), summary).toEqual(new Set(['cache']));
    expect(new Set(pages.map((p) => p.meta.lastSyncedAt))).toEqual(new Set([firstSyncedAt]));
    expect(pages.filter((p) => p.meta.count !== ITEMS || p.meta.staleAfterMs !== STALE_AFTER_MS || (p.meta.ageMs ?? 0) <= STALE_AFTER_MS).map((p) => p.meta)).toEqual([]);
    const records = JSON.stringify(pages[0]!.records);
    expect(new Set(pages[0]!.records.map((r) => r.key)).size).toBe(ITEMS);
    expect(pages.filter((p) => JSON.stringify(p.records) !== records).length, 'every read served the same records').toBe(0);

    // The revalidation lands: the view gets a newer lastSyncedAt, and reads on both replicas say fresh.
    const landed = await waitFor(
      async () => {
        const view = await viewOf();
        return view.lastSyncedAt !== firstSyncedAt ? view : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 150, message: 'the revalidated view' },
    );
    mark('landed');
    expect(Date.parse(landed.lastSyncedAt!)).toBeGreaterThan(Date.parse(firstSyncedAt));
    // (Were it stale again already, the reads below would be stale reads and start a second sync.)
    expect(landed.state, `the revalidated view was ${landed.ageMs} ms old when seen`).toBe('fresh');
    for (const replica of [1, 2] as const) {
      const after = await readSnapshot(replica);
      expect(after.status, after.error).toBe(200);
      expect(after.page!.meta, `replica ${replica} after the revalidation`).toMatchObject({ state: 'fresh', servedFrom: 'cache', lastSyncedAt: landed.lastSyncedAt, count: ITEMS });
      expect(JSON.stringify(after.page!.records)).toBe(records); // nothing changed upstream
    }

    // The ledger learns of the completion from the bus; then a moment more, for any second
    // sync that a late claim would have asked for to show up.
    const sinceReset = (job: Job) => job.jobId !== firstJobId;
    await waitFor(async () => (await jobsOfSource()).some((job) => sinceReset(job) && job.status === 'completed'), {
      timeoutMs: 30_000,
      intervalMs: 150,
      message: 'the revalidation job completed in the ledger',
    });
    const fresh = await admin!.waitFor((e) => e.event === 'source.status' && eventOf(e).source === SOURCE && eventOf(e).data.state === 'fresh', {
      from: eventsFrom,
      timeoutMs: 10_000,
    });
    await sleep(1_000);
    mark('settled');

    // The count: the upstream saw exactly one sync's requests for the dataset since the reset.
    expect(await simCounts(), `${READS} stale reads over 2 replicas cost the upstream exactly one sync`).toEqual(oneSync);
    // Cross-checks. The ledger: exactly one job since the reset, the cache's (a user was waiting).
    const jobs = (await jobsOfSource()).filter(sinceReset);
    expect(jobs, 'exactly one job since the reset').toEqual([expect.objectContaining({ status: 'completed', priority: 10, reason: 'stale read (cache)' })]);
    const jobId = jobs[0]!.jobId;
    // The admin channel: one claim by the cache across both replicas (a claim given back
    // when the scheduler did not answer says `stale`, and a later read claims again), the
    // job's events only, and `fresh` naming the job and the new lastSyncedAt.
    const events = admin!.events.slice(eventsFrom).map(eventOf).filter((e) => e.source === SOURCE);
    const statuses = events.filter((e) => e.type === 'source.status').map((e) => e.data.state);
    const claims = statuses.filter((s) => s === 'revalidating').length;
    const released = statuses.filter((s) => s === 'stale').length;
    expect(claims - released, `source.status since the reset: ${statuses.join(', ')}`).toBe(1);
    expect(statuses.filter((s) => s === 'fresh' || s === 'error')).toEqual(['fresh']);
    expect(eventOf(fresh).data).toMatchObject({ state: 'fresh', jobId, lastSyncedAt: landed.lastSyncedAt });
    const jobEvents = events.filter((e) => e.type.startsWith('job.'));
    expect(new Set(jobEvents.map((e) => e.data.jobId))).toEqual(new Set([jobId]));
    expect(jobEvents.filter((e) => e.type === 'job.queued' || e.type === 'job.completed').map((e) => e.type)).toEqual(['job.queued', 'job.completed']);

    console.info(
      `stale reads: ${READS} answered in ${burstMs} ms (${tally(answers, (a) => `${a.page?.meta.state ?? a.status} on replica ${a.replica}`)}); ` +
        `revalidated view seen ${landed.ageMs} ms after its sync; upstream: ${oneSync.total} requests = 1 sync; cache claims ${claims}, released ${released}; job events: ${jobEvents.map((e) => e.type).join(', ')}; ` +
        `ms since start: ${JSON.stringify(timings)}`,
    );
  });
});
