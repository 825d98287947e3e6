// What the queue benchmark needs from each peer (Freshet, BullMQ, pg-boss), and the two
// measurements it runs against every one of them the same way. A job is just a sequence
// number; the peer calls `onStart(seq)` first thing in its (otherwise no-op) handler,
// and that call's time is the measurement point.
import { readFileSync } from 'node:fs';

/** Freshet's priorities: 10 = a user is waiting, 3 = background. Each peer maps them to its own scale. */
export const HIGH_PRIORITY = 10;
export const LOW_PRIORITY = 3;
/** Dispatch jobs carry the "normal" priority (Freshet tier p5); peers without one use their plain path. */
export const NORMAL_PRIORITY = 5;
export const CONCURRENCY = 20;

export interface BenchJob {
  seq: number;
  priority: number;
}

export interface QueuePeer {
  readonly name: string;
  /** One line on stderr describing how this peer is configured. */
  readonly description: string;
  /** Provisions the peer's queue under unique names; workers are not running. */
  setup(): Promise<void>;
  /** Enqueues many jobs as fast as the peer's bulk path allows. */
  enqueueMany(jobs: readonly BenchJob[]): Promise<void>;
  /** Enqueues one job; resolves when the peer has accepted it. */
  enqueueOne(job: BenchJob): Promise<void>;
  /** Starts the workers (concurrency 20) with a handler that calls onStart(seq) and returns. */
  startWorkers(onStart: (seq: number) => void): Promise<void>;
  /** Stops the workers and waits until every started job is settled (acked/completed). */
  stopWorkers(): Promise<void>;
  /** Jobs still waiting in the queue (for the log). */
  waiting(): Promise<number>;
  /** Deletes everything the peer created. Safe to call after a failed setup. */
  teardown(): Promise<void>;
}

/** The installed version of a dependency (the benchmark runs from the repository root). */
export function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;
}

const log = (message: string) => process.stderr.write(`${message}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1; // nearest-rank
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? Number.NaN;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Waits until `done()` or throws after `timeoutMs`, checking every 5 ms. */
async function until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

export interface DispatchResult {
  jobsPerS: number;
  enqueuePerS: number;
  elapsedMs: number;
  duplicates: number;
}

/**
 * Enqueues `count` jobs with no worker running, then starts the workers and times from
 * just before starting them to the moment the last job's handler started.
 */
export async function measureDispatch(peer: QueuePeer, count: number, timeoutMs: number): Promise<DispatchResult> {
  const jobs = Array.from({ length: count }, (_, seq) => ({ seq, priority: NORMAL_PRIORITY }));
  const enqueueStart = performance.now();
  await peer.enqueueMany(jobs);
  const enqueueMs = performance.now() - enqueueStart;
  log(`  [${peer.name}] enqueued ${count} in ${Math.round(enqueueMs)} ms (${Math.round((count / enqueueMs) * 1000)}/s); waiting: ${await peer.waiting()}`);

  const seen = new Uint8Array(count);
  let distinct = 0;
  let duplicates = 0;
  let lastStart = 0;
  const started = performance.now();
  await peer.startWorkers((seq) => {
    const now = performance.now();
    if (seen[seq] === 1) {
      duplicates += 1;
      return;
    }
    seen[seq] = 1;
    distinct += 1;
    lastStart = now;
  });
  await until(() => distinct === count, timeoutMs, `${peer.name} to start ${count} jobs (started ${distinct})`);
  const elapsedMs = lastStart - started;
  await peer.stopWorkers();
  const jobsPerS = Math.round((count / elapsedMs) * 1000);
  log(`  [${peer.name}] dispatch: ${count} handler starts in ${Math.round(elapsedMs)} ms = ${jobsPerS} jobs/s${duplicates ? `, ${duplicates} duplicate deliveries` : ''}`);
  return { jobsPerS, enqueuePerS: Math.round((count / enqueueMs) * 1000), elapsedMs, duplicates };
}

export interface PriorityResult {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Urgent jobs enqueued before the last backlog job started: the ones that had a backlog to get past. */
  contended: number;
  /** p99 over those alone. */
  contendedP99Ms: number;
  backlogDrainedMs: number;
}

/**
 * Enqueues `backlog` low-priority jobs, starts the workers, and right away enqueues
 * `urgent` priority-10 jobs one every `intervalMs`, measuring for each the time from just
 * before its enqueue call to its handler's start.
 */
export async function measurePriority(
  peer: QueuePeer,
  options: { backlog: number; urgent: number; intervalMs: number; timeoutMs: number },
): Promise<PriorityResult> {
  const { backlog, urgent, intervalMs, timeoutMs } = options;
  const URGENT_BASE = 1_000_000;
  await peer.enqueueMany(Array.from({ length: backlog }, (_, seq) => ({ seq, priority: LOW_PRIORITY })));
  log(`  [${peer.name}] backlog of ${backlog} low-priority jobs enqueued; waiting: ${await peer.waiting()}`);

  const enqueuedAt = new Float64Array(urgent);
  const latency = new Float64Array(urgent).fill(Number.NaN);
  let lowStarted = 0;
  let urgentStarted = 0;
  let backlogDrainedAt = Number.NaN;
  const lowSeen = new Uint8Array(backlog);
  const workersStarting = performance.now();
  await peer.startWorkers((seq) => {
    const now = performance.now();
    if (seq >= URGENT_BASE) {
      const i = seq - URGENT_BASE;
      if (!Number.isNaN(latency[i] ?? 0)) return; // a redelivery
      latency[i] = now - (enqueuedAt[i] ?? now);
      urgentStarted += 1;
    } else if (lowSeen[seq] !== 1) {
      lowSeen[seq] = 1;
      lowStarted += 1;
      if (lowStarted === backlog) backlogDrainedAt = now;
    }
  });
  const started = performance.now(); // the urgent jobs' schedule starts once every worker runs

  // One urgent job every intervalMs on a fixed schedule (a slow enqueue does not delay the next).
  const enqueues: Promise<void>[] = [];
  for (let i = 0; i < urgent; i += 1) {
    const due = started + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    enqueuedAt[i] = performance.now();
    enqueues.push(peer.enqueueOne({ seq: URGENT_BASE + i, priority: HIGH_PRIORITY }));
  }
  await Promise.all(enqueues);
  await until(() => urgentStarted === urgent && lowStarted === backlog, timeoutMs, `${peer.name} to start every job (urgent ${urgentStarted}/${urgent}, backlog ${lowStarted}/${backlog})`);
  await peer.stopWorkers();

  const sorted = Array.from(latency).sort((a, b) => a - b);
  const contended = Array.from(latency)
    .filter((_, i) => (enqueuedAt[i] ?? 0) < backlogDrainedAt)
    .sort((a, b) => a - b);
  const worst = Array.from(latency, (ms, i) => ({ i, ms, sentAt: (enqueuedAt[i] ?? 0) - workersStarting }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5)
    .map((w) => `#${w.i} sent at ${Math.round(w.sentAt)} ms waited ${round1(w.ms)} ms`);
  const result: PriorityResult = {
    p50Ms: round1(percentile(sorted, 50)),
    p99Ms: round1(percentile(sorted, 99)),
    maxMs: round1(sorted[sorted.length - 1] ?? Number.NaN),
    contended: contended.length,
    contendedP99Ms: round1(percentile(contended, 99)),
    backlogDrainedMs: Math.round(backlogDrainedAt - workersStarting),
  };
  log(
    `  [${peer.name}] priority: p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms; ` +
      `${contended.length}/${urgent} urgent jobs were sent before the backlog drained (their p99 ${result.contendedP99Ms} ms); ` +
      `times from starting the workers: backlog drained at ${result.backlogDrainedMs} ms, urgent jobs sent from ` +
      `${Math.round((enqueuedAt[0] ?? 0) - workersStarting)} to ${Math.round((enqueuedAt[urgent - 1] ?? 0) - workersStarting)} ms; slowest: ${worst.join(', ')}`,
  );
  return result;
}
