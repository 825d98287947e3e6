// `npm run bench -- queue [--quick]`: how fast Freshet's sync-command work queue
// dispatches jobs, and how quickly an urgent job gets past a backlog, next to BullMQ
// (Redis) and pg-boss (Postgres), each with a no-op handler at concurrency 20 in this one
// process. Prints progress to stderr and one JSON line last on stdout:
// {"freshet": {...}, "bullmq": {...}, "pgboss": {...}}, each with dispatch_jobs_per_s and
// priority_p99_ms. See docs/benchmarks.md.
//
// For experiments: --only freshet,bullmq,pgboss (a subset), --pgboss-batch n (default
// 100), --pgboss-lockstep (start pg-boss's workers together), --freshet-fallback
// (consumeDurable instead of consumeByPriority: no priority).
import { testNames } from '@freshet/testkit';
import { freshetPeer, type FreshetConsumer } from './queue-freshet';
import { bullmqPeer } from './queue-bullmq';
import { pgbossPeer } from './queue-pgboss';
import { CONCURRENCY, measureDispatch, measurePriority, type QueuePeer } from './queue-peer';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyAt = args.indexOf('--only');
const ALL = ['freshet', 'bullmq', 'pgboss'] as const;
type PeerName = (typeof ALL)[number];
const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',') : [...ALL];
const unknown = only.filter((n) => !(ALL as readonly string[]).includes(n));
if (unknown.length > 0) {
  process.stderr.write(`unknown peer(s) ${unknown.join(', ')}; choose from ${ALL.join(', ')}\n`);
  process.exit(2);
}

const SIZES = quick
  ? { warmup: 500, dispatch: 5_000, backlog: 5_000, urgent: 50 }
  : { warmup: 2_000, dispatch: 20_000, backlog: 10_000, urgent: 100 };
const URGENT_INTERVAL_MS = 20;
const TIMEOUT_MS = 120_000;
/** Jobs per pg-boss fetch (see queue-pgboss.ts); `--pgboss-batch n` to try others. */
const batchAt = args.indexOf('--pgboss-batch');
const PGBOSS_BATCH_SIZE = batchAt >= 0 ? Number(args[batchAt + 1]) : 100;
if (!Number.isInteger(PGBOSS_BATCH_SIZE) || PGBOSS_BATCH_SIZE < 1) {
  process.stderr.write('--pgboss-batch needs a positive integer\n');
  process.exit(2);
}

const log = (message: string) => process.stderr.write(`${message}\n`);
// Progress piped into something that closed early (`| head`) must not skip the clean-up.
process.stderr.on('error', () => undefined);

function makePeer(name: PeerName, freshetConsumer: FreshetConsumer = 'priority'): QueuePeer {
  const names = testNames(`bq${name}`);
  switch (name) {
    case 'freshet':
      return freshetPeer(names, { consumer: freshetConsumer });
    case 'bullmq':
      return bullmqPeer(names);
    case 'pgboss':
      return pgbossPeer(names, { batchSize: PGBOSS_BATCH_SIZE, stagger: !args.includes('--pgboss-lockstep') });
  }
}

interface PeerResult {
  dispatch_jobs_per_s: number;
  priority_p99_ms: number;
}

let current: QueuePeer | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    void (current?.teardown() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

async function setUp(name: PeerName, freshetConsumer?: FreshetConsumer): Promise<QueuePeer> {
  const peer = makePeer(name, freshetConsumer);
  current = peer;
  await peer.setup();
  return peer;
}

/**
 * Sets up Freshet's peer with consumeByPriority and checks that it delivers at all (one
 * job within 5 s); if not, says so loudly and sets up the consumeDurable fallback instead.
 */
async function setUpFreshet(): Promise<QueuePeer> {
  if (args.includes('--freshet-fallback')) {
    log('freshet: --freshet-fallback: measuring with consumeDurable; PRIORITY IS NOT ENFORCED');
    return setUp('freshet', 'durable');
  }
  const peer = await setUp('freshet', 'priority');
  try {
    log('  [freshet] probe: one job through consumeByPriority');
    await measureDispatch(peer, 1, 5_000);
    return peer;
  } catch (error) {
    log(`freshet: consumeByPriority did not deliver a probe job (${String(error)})`);
    log('freshet: FALLING BACK to consumeDurable on <prefix>.cmd.sync.> — PRIORITY IS NOT ENFORCED in these Freshet numbers');
    await peer.teardown();
    return setUp('freshet', 'durable');
  }
}

log(
  `queue benchmark${quick ? ' (quick)' : ''}: dispatch ${SIZES.dispatch} jobs; priority: ${SIZES.urgent} urgent jobs every ${URGENT_INTERVAL_MS} ms ` +
    `over a backlog of ${SIZES.backlog}; concurrency ${CONCURRENCY}; warm-up ${SIZES.warmup} jobs per peer (not counted)`,
);
const results: Partial<Record<PeerName, PeerResult>> = {};
for (const name of ALL.filter((n) => only.includes(n))) {
  try {
    const peer = name === 'freshet' ? await setUpFreshet() : await setUp(name);
    log(`${name}: ${peer.description}`);
    log(`  [${name}] warm-up`);
    await measureDispatch(peer, SIZES.warmup, TIMEOUT_MS);
    const dispatch = await measureDispatch(peer, SIZES.dispatch, TIMEOUT_MS);
    const priority = await measurePriority(peer, { backlog: SIZES.backlog, urgent: SIZES.urgent, intervalMs: URGENT_INTERVAL_MS, timeoutMs: TIMEOUT_MS });
    log(`  [${name}] priority p50 ${priority.p50Ms} ms`);
    results[name] = { dispatch_jobs_per_s: dispatch.jobsPerS, priority_p99_ms: priority.p99Ms };
  } finally {
    await current?.teardown(); // the peer set up last, even when its setup failed
    current = undefined;
  }
}

console.log(JSON.stringify(results));
// Clients (ioredis, pg pools, NATS) are closed by teardown; leave no straggling timer.
process.exit(0);
