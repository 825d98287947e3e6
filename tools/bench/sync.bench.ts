// `npm run bench -- sync`: what incremental strategies save, and how fast and how flat
// a full sync runs, through the real command path (NATS → ingest → Postgres) against
// upstream-sim. Prints progress to stderr and one JSON line last on stdout.
import { mkdirSync } from 'node:fs';
import { startBenchStack } from './bench-stack';

const quick = process.argv.includes('--quick');
const SIZES = quick ? { big: 20_000, huge: 50_000 } : { big: 100_000, huge: 1_000_000 };
const log = (message: string) => process.stderr.write(`${message}\n`);

mkdirSync('.freshet/logs', { recursive: true });
const stack = await startBenchStack(`.freshet/logs/bench-sync-${Date.now()}.log`);
try {
  // 1. Requests: a 50-page source (2,500 items, 50 per page), newest first.
  await stack.seed('quota', 2_500);
  const sim = stack.sim;
  await stack.registerSource('quota-esi', { type: 'esi-list', baseUrl: sim, path: '/v1/datasets/quota/items' });
  await stack.registerSource('quota-full', { type: 'http-paged-list', baseUrl: sim, path: '/v1/datasets/quota/items' });
  await stack.sync('quota-esi'); // first sync lists everything and sets the cursor

  let before = await stack.listRequests('quota');
  await stack.sync('quota-full');
  const requestsFull = (await stack.listRequests('quota')) - before;

  await stack.addItems('quota', 3);
  before = await stack.listRequests('quota');
  const incremental = await stack.sync('quota-esi');
  const requestsIncremental = (await stack.listRequests('quota')) - before;
  log(`incremental after 3 new items: ${requestsIncremental} request(s), created ${incremental.stats['created']}`);

  before = await stack.listRequests('quota');
  await stack.sync('quota-esi');
  const requestsUnchanged = (await stack.listRequests('quota')) - before;
  log(`full: ${requestsFull} requests; incremental: ${requestsIncremental}; unchanged: ${requestsUnchanged}`);

  // 2. Throughput and memory of full syncs, each in a fresh ingest process.
  const bulk = { pagination: { type: 'pageNumber', pageParam: 'page', totalPagesHeader: 'x-pages', pageSizeParam: 'page_size', pageSize: 1000 } };
  const fullSync = async (dataset: string, count: number) => {
    await stack.seed(dataset, count);
    await stack.restartIngest();
    await stack.registerSource(dataset, { type: 'http', baseUrl: sim, path: `/v1/datasets/${dataset}/items`, maxPages: 10_000, timeoutMs: 60_000, ...bulk });
    const run = await stack.sync(dataset);
    const rss = stack.peakRssMb();
    log(`${count} items: ${Math.round(run.elapsedMs)} ms, ${Math.round((count / run.elapsedMs) * 1000)} records/s, peak RSS ${rss} MB`);
    return { recordsPerS: Math.round((count / run.elapsedMs) * 1000), rss };
  };
  const big = await fullSync('big', SIZES.big);
  const huge = await fullSync('huge', SIZES.huge);

  console.log(
    JSON.stringify({
      requests_full: requestsFull,
      requests_incremental: requestsIncremental,
      requests_unchanged: requestsUnchanged,
      records_per_s: big.recordsPerS,
      peak_rss_mb_100k: big.rss,
      peak_rss_mb_1m: huge.rss,
    }),
  );
} finally {
  await stack.teardown();
}
