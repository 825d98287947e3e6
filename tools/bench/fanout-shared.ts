// What the processes of `npm run bench -- fanout` share: the one event every server under
// test sends, the clock latency is measured on, the latency histogram, the messages the
// harness and the client process exchange over IPC, and a server's CPU time and RSS read
// from /proc (the same way for every server, the gateway included, which cannot be asked).
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { FreshetEvent } from '@freshet/contracts';

/**
 * Microseconds on CLOCK_MONOTONIC, which every process on the machine shares (unlike
 * `performance.now()`, whose origin is per process): the publisher stamps an event with
 * it, a client subtracts it from its own reading on receipt.
 */
export function hrUs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e6 + ns / 1e3;
}

export const TENANT = 'bench';
export const SOURCE = 'ticker';
/** Event type of every benchmark event, on every server (SSE `event:`, Socket.IO event name). */
export const EVENT_TYPE = 'content.updated';
const JOB_ID = '6f1c2a9e-4b7d-4e21-9a53-2d8e0c71b4f0';

/** The record of a benchmark event: `n` numbers events of one run (gaps and duplicates show), `sentAtUs` is hrUs() at publication. */
export type TickRecord = {
  id: string;
  n: number;
  sentAtUs: number;
  price: string;
};

/**
 * A content.updated event of a small record, its keys in the order of the contract's
 * schema, so `JSON.stringify` of it is byte for byte what the gateway sends after parsing
 * it (zod rebuilds objects in schema order). About 290 bytes of JSON, most of it the
 * envelope every Freshet event carries (two UUIDs, a timestamp, hashes).
 */
export function tickEvent(n: number, sentAtUs: number): FreshetEvent {
  const key = `k${n % 100}`;
  const record: TickRecord = { id: key, n, sentAtUs: Math.round(sentAtUs), price: (100 + (n % 997) / 100).toFixed(2) };
  return {
    id: randomUUID(),
    tenant: TENANT,
    source: SOURCE,
    time: new Date().toISOString(),
    type: 'content.updated',
    data: { key, hash: `h${n}`, previousHash: `h${n - 1}`, record, jobId: JOB_ID },
  };
}

/** A latency histogram in 0.1 ms buckets up to 60 s (one overflow bucket beyond). */
export class Histogram {
  private static readonly BUCKETS = 600_000;
  private readonly counts = new Uint32Array(Histogram.BUCKETS + 1);
  count = 0;
  max = 0;

  add(ms: number): void {
    const bucket = ms <= 0 ? 0 : Math.min(Histogram.BUCKETS, Math.floor(ms * 10));
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
    this.count += 1;
    if (ms > this.max) this.max = ms;
  }

  /** Nearest-rank percentile, as the upper edge of its bucket (ms). */
  percentile(p: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil(p * this.count));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i += 1) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return i === Histogram.BUCKETS ? this.max : (i + 1) / 10;
    }
    return this.max;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.max = 0;
  }

  /** The non-empty buckets, to merge histograms of several processes. */
  sparse(): SparseHistogram {
    const buckets: Array<[number, number]> = [];
    for (let i = 0; i < this.counts.length; i += 1) if (this.counts[i]) buckets.push([i, this.counts[i]!]);
    return { buckets, max: this.max };
  }

  merge(other: SparseHistogram): void {
    for (const [bucket, count] of other.buckets) {
      this.counts[bucket] = (this.counts[bucket] ?? 0) + count;
      this.count += count;
    }
    if (other.max > this.max) this.max = other.max;
  }
}

export interface SparseHistogram {
  buckets: Array<[number, number]>;
  max: number;
}

// ---- harness ↔ client process (IPC) ---------------------------------------------------------

export type ClientKind = 'sse' | 'socketio';

export type ClientCommand =
  /** Opens `count` more connections, `concurrency` at a time; answers once every one is open or failed. */
  | { op: 'open'; kind: ClientKind; url: string; headers?: Record<string, string>; count: number; concurrency: number }
  /** Starts a measurement window: clears the histogram and counters. */
  | { op: 'reset' }
  /** Ends the window: what was received since the last reset. */
  | { op: 'report' }
  | { op: 'closeAll' };

export interface OpenResult {
  open: number;
  failed: number;
  /** The first few distinct failures. */
  errors: string[];
  ms: number;
}

export interface WindowReport {
  /** Connections open now. */
  open: number;
  /** Events received in the window, over every connection. */
  received: number;
  /** Publish → receipt of each of them. */
  latency: SparseHistogram;
  /** Events a connection never got (a later one came first), in the window. */
  missing: number;
  /** Events a connection got twice or out of order, in the window. */
  duplicates: number;
  /** Control events other than `ready` (`reset`, `error`, `auth-expired`): never expected here. */
  controlEvents: number;
  /** Connections that ended without being asked to (since the last reset), and why (first few; control events too). */
  closed: number;
  closeReasons: string[];
  /** The client process's own window length. */
  windowMs: number;
}

export type ClientRequest = ClientCommand & { id: number };
export type ClientReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

// ---- /proc --------------------------------------------------------------------------------

/** Clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK`: 100 on Linux). */
const CLOCK_TICKS_PER_S = 100;

export interface ProcSample {
  /** User + system CPU time of every thread of the process, ms. */
  cpuMs: number;
  rssKiB: number;
  atMs: number;
}

export function procSample(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces: count from after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return { cpuMs: ((utime + stime) * 1000) / CLOCK_TICKS_PER_S, rssKiB, atMs: performance.now() };
}

/** CPU time of the whole machine (every core), from /proc/stat: what was busy, whoever it was. */
export function machineSample(): { busyMs: number; atMs: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal …: busy is all but idle and iowait.
  const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
  const busy = total - (fields[3] ?? 0) - (fields[4] ?? 0);
  return { busyMs: (busy * 1000) / CLOCK_TICKS_PER_S, atMs: performance.now() };
}

/** The pid of the local nats-server, if one runs on this machine (its CPU is part of Freshet's path). */
export function findPid(command: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === command) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}
