// `npm run bench -- cache [--quick]`: what a snapshot read through the cache's HTTP API
// costs next to a bare Fastify + ioredis handler sending the same bytes, and how many
// syncs 1,000 concurrent stale reads across two cache replicas cause. The real stack runs
// as child processes (upstream-sim, ingest, sync-scheduler, two cache replicas; see
// cache-stack.ts). Prints progress to stderr and one JSON line last on stdout:
// {snapshot_p50_ms, snapshot_p99_ms, snapshot_rps, bare_rps, ratio_vs_bare,
//  revalidations_for_1000_stale_reads}. See docs/benchmarks.md.
//
// For experiments: --upstream-latency-ms n sets the stale dataset's upstream latency
// (default: three times the burst's expected length; 0 lets the sync finish mid-burst).
import { mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import autocannon from 'autocannon';
import { waitFor } from '@freshet/testkit';
import { startCacheBenchStack, TENANT, type CacheBenchStack } from './cache-stack';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const latencyAt = args.indexOf('--upstream-latency-ms');
const LATENCY_OVERRIDE_MS = latencyAt >= 0 ? Number(args[latencyAt + 1]) : undefined;
if (LATENCY_OVERRIDE_MS !== undefined && !(Number.isInteger(LATENCY_OVERRIDE_MS) && LATENCY_OVERRIDE_MS >= 0 && LATENCY_OVERRIDE_MS <= 50_000)) {
  process.stderr.write('--upstream-latency-ms needs an integer from 0 to 50000\n');
  process.exit(2);
}
const WARMUP_S = quick ? 1 : 3;
/** Measured: ROUNDS × ROUND_S seconds per target. */
const ROUNDS = quick ? 1 : 3;
const ROUND_S = quick ? 3 : 4;
const CONNECTIONS = 10;
const RECORDS = 1_000;
const STALE_READS = 1_000;
/** staleAfter of the source read stale: long enough that the revalidated view stays fresh while the burst's last reads are answered. */
const STALE_AFTER_MS = 20_000;
/** Source (and upstream-sim dataset) read for throughput: fresh throughout (staleAfter: the default 1 h). */
const FRESH = 'snapshot';
/** Source (and dataset) read 1,000 times once stale. */
const STALE = 'stale';

const log = (message: string) => process.stderr.write(`${message}\n`);
// Progress piped into something that closed early (`| head`) must not skip the clean-up.
process.stderr.on('error', () => undefined);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN;
}

interface LoadResult {
  p50Ms: number;
  p99Ms: number;
  rps: number;
  requests: number;
}

interface Run {
  /** Response time of every 200, in ms (autocannon's own histogram keeps whole milliseconds only). */
  latencies: number[];
  ok: number;
  seconds: number;
}

/** One autocannon run against `url`. */
function cannon(url: string, durationS: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const instance = autocannon({ url, connections: CONNECTIONS, duration: durationS }, (error: unknown, result: autocannon.Result) => {
      if (error) return reject(error instanceof Error ? error : new Error(String(error)));
      if (result.errors > 0 || result.non2xx > 0) return reject(new Error(`${url}: ${result.errors} errors, ${result.non2xx} non-2xx answers`));
      resolve({ latencies, ok: result['2xx'], seconds: result.duration });
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode === 200) latencies.push(responseTime);
    });
  });
}

/**
 * Warms each target up, then runs ROUNDS rounds of ROUND_S seconds, alternating between
 * the targets, so load from elsewhere on the machine falls on both alike; percentiles and
 * requests/s over all of a target's rounds.
 */
async function measure(targets: Array<{ label: string; url: string }>): Promise<LoadResult[]> {
  for (const { label, url } of targets) {
    log(`  [${label}] warm-up ${WARMUP_S} s (not counted)`);
    await cannon(url, WARMUP_S);
  }
  const runs: Run[][] = targets.map(() => []);
  for (let pass = 1; pass <= ROUNDS; pass += 1) {
    for (const [i, { label, url }] of targets.entries()) {
      const run = await cannon(url, ROUND_S);
      runs[i]!.push(run);
      log(`  [${label}] round ${pass}/${ROUNDS}: ${Math.round(run.ok / run.seconds)} req/s`);
    }
  }
  return targets.map(({ label }, i) => {
    const mine = runs[i]!;
    const sorted = Float64Array.from(mine.flatMap((run) => run.latencies)).sort();
    const requests = mine.reduce((sum, run) => sum + run.ok, 0);
    const result = {
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      rps: requests / mine.reduce((sum, run) => sum + run.seconds, 0),
      requests,
    };
    log(`  [${label}] ${Math.round(result.rps)} req/s, p50 ${round(result.p50Ms, 2)} ms, p99 ${round(result.p99Ms, 2)} ms (${requests} requests)`);
    return result;
  });
}

interface SnapshotAnswer {
  records: unknown[];
  meta: { state: string; servedFrom: string; count: number; lastSyncedAt: string | null; staleAfterMs: number };
}

async function readSnapshot(url: string): Promise<{ text: string; page: SnapshotAnswer }> {
  const response = await fetch(url);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${url}: ${response.status} ${text.slice(0, 300)}`);
  return { text, page: JSON.parse(text) as SnapshotAnswer };
}

const snapshotUrl = (cache: string, source: string) => `${cache}/internal/v1/snapshots/${TENANT}/${source}?limit=${RECORDS}`;

async function waitForView(stack: CacheBenchStack, source: string, what: string, timeoutMs = 120_000) {
  return waitFor(
    async () => {
      const meta = await stack.viewMeta(source);
      return meta.count === RECORDS && meta.lastSyncedAt !== null ? meta : undefined;
    },
    { timeoutMs, intervalMs: 100, message: what },
  );
}

log(
  `cache benchmark${quick ? ' (quick)' : ''}: snapshot reads of a ${RECORDS}-record source, ${CONNECTIONS} connections, ` +
    `${ROUNDS} × ${ROUND_S} s each (after ${WARMUP_S} s warm-up), cache and bare alternating; then ${STALE_READS} concurrent stale reads over two cache replicas`,
);
// Everything shares this machine's cores: other work running at the same time shows here.
const machineLoad = () => `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores`;
log(machineLoad());
mkdirSync('.freshet/logs', { recursive: true });
const logFile = `.freshet/logs/bench-cache-${Date.now()}.log`;
log(`app logs: ${logFile}`);
const stack = await startCacheBenchStack({ logFile, datasets: `${FRESH}:${RECORDS},${STALE}:${RECORDS}`, log });
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    void stack.teardown().finally(() => process.exit(130));
  });
}

let output: Record<string, number>;
try {
  // 1. Two sources over upstream-sim datasets of 1,000 items, one page of 1,000 per sync.
  const connector = (dataset: string) => ({
    type: 'http',
    baseUrl: stack.sim,
    path: `/v1/datasets/${dataset}/items`,
    timeoutMs: 60_000,
    pagination: { type: 'pageNumber', pageParam: 'page', totalPagesHeader: 'x-pages', pageSizeParam: 'page_size', pageSize: RECORDS },
  });
  await stack.registerSource(FRESH, { connector: connector(FRESH) });
  await stack.registerSource(STALE, { connector: connector(STALE), staleAfterMs: STALE_AFTER_MS });
  const setupStarted = performance.now();
  await Promise.all([stack.requestSync(FRESH, 'benchmark: first sync'), stack.requestSync(STALE, 'benchmark: first sync')]);
  // Watched in Redis, not through the cache: a read before the first sync lands would be a stale read.
  await waitForView(stack, FRESH, `the cache's view of ${FRESH} to hold ${RECORDS} synced records`);
  const staleSynced = await waitForView(stack, STALE, `the cache's view of ${STALE} to hold ${RECORDS} synced records`);
  // Every request upstream-sim counted for this dataset so far was its first sync's.
  const requestsPerSync = await stack.simRequests(STALE);
  log(`first syncs done in ${Math.round(performance.now() - setupStarted)} ms; one sync = ${requestsPerSync} upstream request(s)`);

  // 2. Throughput: the cache (replica 1) and the bare server, in alternating rounds.
  const url = snapshotUrl(stack.caches[0], FRESH);
  const first = await readSnapshot(url);
  if (first.page.records.length !== RECORDS || first.page.meta.state !== 'fresh' || first.page.meta.servedFrom !== 'cache') {
    throw new Error(`expected ${RECORDS} fresh records from the cache, got ${first.page.records.length} (${first.page.meta.state}, from ${first.page.meta.servedFrom})`);
  }
  const bodyKey = `${stack.names.redisKeyPrefix}bench:bare-body`;
  await stack.redis.set(bodyKey, first.text);
  const bare = await stack.startBare(bodyKey);
  const bareUrl = `${bare}/internal/v1/snapshots/${TENANT}/${FRESH}?limit=${RECORDS}`;
  const bareText = await (await fetch(bareUrl)).text();
  if (bareText !== first.text) throw new Error('the bare server does not answer the bytes the cache answered');
  log(`throughput: GET ${new URL(url).pathname}?limit=${RECORDS} (${Math.round(first.text.length / 1024)} KiB an answer)`);
  const upstreamBefore = await stack.simRequests(FRESH);
  const [cache, baseline] = (await measure([
    { label: 'cache', url },
    { label: 'bare', url: bareUrl },
  ])) as [LoadResult, LoadResult];
  const last = await readSnapshot(url);
  const upstreamAfter = await stack.simRequests(FRESH);
  if (last.page.meta.state !== 'fresh' || last.page.meta.servedFrom !== 'cache' || upstreamAfter !== upstreamBefore) {
    throw new Error(
      `${FRESH} changed during the throughput runs: now ${last.page.meta.state} from ${last.page.meta.servedFrom}, ${upstreamAfter - upstreamBefore} upstream request(s)`,
    );
  }

  // 3. 1,000 concurrent stale reads across both replicas. The upstream is slowed down so
  // the one sync they cause outlasts the burst: every read is answered while the data is
  // still stale (a read answered after the sync would be a fresh read, not a stale one).
  const burstEstimateMs = (STALE_READS / cache.rps) * 1000; // at one replica's rate: the two share the same two cores
  const latencyMs = LATENCY_OVERRIDE_MS ?? Math.min(40_000, Math.max(3_000, Math.round(burstEstimateMs * 3)));
  await stack.setSimLatency(STALE, latencyMs);
  const staleAt = Date.parse(staleSynced.lastSyncedAt!) + STALE_AFTER_MS + 250;
  if (Date.now() < staleAt) {
    log(`waiting ${round((staleAt - Date.now()) / 1000, 1)} s for ${STALE} to go stale (staleAfter ${STALE_AFTER_MS / 1000} s)`);
    await sleep(staleAt - Date.now());
  }
  if ((await stack.simRequests(STALE)) !== requestsPerSync || (await stack.revalidationMarker(STALE)) !== null) {
    throw new Error(`${STALE} was synced again before the stale reads`);
  }
  await stack.resetSimStats();
  const mark = await stack.lastEventSeq();
  log(`stale reads: ${STALE_READS} at once, alternating between the two replicas; upstream answers after ${latencyMs} ms`);
  const burstStarted = performance.now();
  const answers = await Promise.all(
    Array.from({ length: STALE_READS }, async (_, i) => {
      try {
        const { page } = await readSnapshot(snapshotUrl(stack.caches[i % 2]!, STALE));
        if (page.records.length !== RECORDS) return `short page (${page.records.length})`;
        return page.meta.servedFrom === 'cache' ? page.meta.state : `${page.meta.state} from ${page.meta.servedFrom}`;
      } catch (error) {
        return `failed: ${error instanceof Error ? error.message : String(error)}`;
      }
    }),
  );
  const burstMs = performance.now() - burstStarted;
  const states = new Map<string, number>();
  for (const state of answers) states.set(state, (states.get(state) ?? 0) + 1);
  log(`  answered in ${Math.round(burstMs)} ms: ${[...states].map(([state, n]) => `${n} ${state}`).join(', ')}`);

  // The revalidation ends when the projection applies its job.completed (lastSyncedAt
  // moves, the marker goes) or records its failure.
  const ended = await waitFor(
    async () => {
      const meta = await stack.viewMeta(STALE);
      if (meta.error) return meta;
      return meta.lastSyncedAt !== staleSynced.lastSyncedAt && (await stack.revalidationMarker(STALE)) === null ? meta : undefined;
    },
    { timeoutMs: latencyMs + 120_000, intervalMs: 100, message: `the revalidation of ${STALE} to end` },
  );
  if (ended.error) log(`  the revalidation FAILED: ${ended.error}`);
  log(`  revalidation over (seen ${Math.round(performance.now() - burstStarted)} ms after the first read)`);
  // A second revalidation, if a read started one late, is asked for within milliseconds
  // of that read: give it a moment to show up, then let whatever runs finish.
  await sleep(1_000);
  await waitFor(async () => (await stack.activeJobs(STALE)) === 0 && (await stack.revalidationMarker(STALE)) === null, {
    timeoutMs: latencyMs + 120_000,
    intervalMs: 200,
    message: `${STALE}'s jobs to finish`,
  });

  // The count: syncs the upstream saw, i.e. its requests for the dataset since the reset
  // (every outcome, refused ones too) over the requests one sync makes. That is what the
  // stale reads cost where it matters — at the pay-per-call upstream — however the work
  // was split between the cache's claim and the scheduler's single flight. The events
  // stream shows both lines of defence separately, as a cross-check.
  const upstreamRequests = await stack.simRequests(STALE);
  const revalidations = upstreamRequests / requestsPerSync;
  const events = await stack.eventsAfter(mark, STALE);
  const jobs = (type: string) => new Set(events.filter((e) => e.type === type).map((e) => e.data.jobId)).size;
  const claims = events.filter((e) => e.type === 'source.status' && e.data.state === 'revalidating').length;
  log(
    `  upstream: ${upstreamRequests} request(s) = ${round(revalidations, 2)} sync(s); events: ${claims} revalidation claim(s) by the cache (source.status revalidating), ` +
      `${jobs('job.queued')} job(s) queued, ${jobs('job.started')} started, ${jobs('job.completed')} completed, ${jobs('job.failed') + jobs('job.dead')} failed`,
  );
  if (!Number.isInteger(revalidations)) log('  WARNING: the upstream requests are not a whole number of syncs (a sync ended part-way?)');
  if (claims !== 1 || jobs('job.started') !== Math.ceil(revalidations)) log('  NOTE: the cache claims, the jobs and the upstream count do not agree; see above');

  const ratio = baseline.rps / cache.rps;
  log(machineLoad());
  log(`cache ${Math.round(cache.rps)} req/s against bare ${Math.round(baseline.rps)} req/s: ${round(ratio, 2)}× (goal ≤ 1.3×); bare p50 ${round(baseline.p50Ms, 2)} ms, p99 ${round(baseline.p99Ms, 2)} ms`);
  output = {
    snapshot_p50_ms: round(cache.p50Ms, 2),
    snapshot_p99_ms: round(cache.p99Ms, 2),
    snapshot_rps: Math.round(cache.rps),
    bare_rps: Math.round(baseline.rps),
    ratio_vs_bare: round(ratio, 2),
    revalidations_for_1000_stale_reads: Math.ceil(revalidations),
  };
} finally {
  await stack.teardown();
}
console.log(JSON.stringify(output));
// Clients are closed by teardown; leave no straggling timer.
process.exit(0);
