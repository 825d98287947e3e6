// Runs the background scan every interval on the replica that holds the lease, and
// remembers what happened for the status API. With a demand scan, it also looks at the
// demand signal every demandIntervalMs in between and scans when a source is watched, so
// watched sources keep to a watchedMinAge shorter than the interval. stop() lets a
// running scan finish.
import type { Logger } from '@freshet/telemetry';
import type { ScanResult } from './background-scan';
import type { ScanLease } from './scan-lease';
import type { DemandStatus } from './watched-sources';

export interface ScanStatus {
  running: boolean;
  leaseHeld: boolean;
  /** The last scan, periodic or for watched sources (see its `trigger`). */
  lastScan: ScanResult | null;
  lastError: string | null;
  /** When the next periodic scan is expected. */
  nextScanAt: string | null;
  /** When the demand signal is looked at next, if that comes before the next periodic scan. */
  nextDemandCheckAt: string | null;
  /** The demand signal as this replica last read it; null when it does not read it. */
  demand: DemandStatus | null;
}

export interface ScanLoop {
  start(): void;
  stop(): Promise<void>;
  status(): ScanStatus;
  /** Which replica holds the scan lease (by instance id). */
  leaseHolder(): Promise<string | undefined>;
  /** Runs one periodic scan now, if this replica holds the lease (tests, and an operator's "scan now"). */
  tick(): Promise<void>;
}

export interface ScanLoopOptions {
  intervalMs: number;
  lease: ScanLease;
  scan: () => Promise<ScanResult>;
  /** A scan of the watched sources between periodic ones; null when nothing is watched. */
  demandScan?: () => Promise<ScanResult | null>;
  /** How often demandScan runs between periodic scans (0 or unset: never). */
  demandIntervalMs?: number;
  /** What the scans last read of the demand signal. */
  demandStatus?: () => DemandStatus;
  logger: Logger;
}

/** Timers may fire a hair early; a periodic scan that due is not put off by a demand check. */
const EARLY_MS = 5;

export function createScanLoop(options: ScanLoopOptions): ScanLoop {
  const demandIntervalMs = options.demandScan && options.demandIntervalMs ? options.demandIntervalMs : 0;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let current: Promise<void> | undefined;
  let lastScan: ScanResult | null = null;
  let lastError: string | null = null;
  let nextTickAt: number | null = null;
  /** When the last periodic scan on this replica ended; undefined: none since it took the lease. */
  let lastFullEndedAt: number | undefined;

  const nextFullAt = () => (lastFullEndedAt === undefined ? Date.now() : lastFullEndedAt + options.intervalMs);

  const tick = async (kind: 'periodic' | 'auto') => {
    if (!(await options.lease.tryHold())) {
      lastFullEndedAt = undefined; // scan everything as soon as the lease comes back
      return;
    }
    const periodic = kind === 'periodic' || demandIntervalMs === 0 || Date.now() >= nextFullAt() - EARLY_MS;
    try {
      if (periodic) {
        lastScan = await options.scan();
      } else {
        const scanned = await options.demandScan?.();
        if (scanned) lastScan = scanned;
      }
      lastError = null;
    } catch (error) {
      lastError = (error as Error).message;
      options.logger.warn({ err: error }, periodic ? 'background scan failed' : 'scan of watched sources failed');
    } finally {
      if (periodic) lastFullEndedAt = Date.now();
    }
  };

  const delay = () => {
    if (demandIntervalMs === 0) return options.intervalMs;
    // Without the lease, try for it again at the next demand check.
    if (lastFullEndedAt === undefined) return demandIntervalMs;
    return Math.max(0, Math.min(demandIntervalMs, nextFullAt() - Date.now()));
  };

  const schedule = (delayMs: number) => {
    if (!running) return;
    nextTickAt = Date.now() + delayMs;
    timer = setTimeout(() => {
      current = tick('auto').finally(() => schedule(delay()));
    }, delayMs);
  };

  return {
    start() {
      running = true;
      schedule(0);
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      nextTickAt = null;
      await current;
      await options.lease.release();
    },
    leaseHolder: () => options.lease.holder(),
    status: () => {
      const full = running ? (lastFullEndedAt === undefined ? nextTickAt : lastFullEndedAt + options.intervalMs) : null;
      const demandCheck = running && nextTickAt !== null && full !== null && nextTickAt < full - EARLY_MS ? nextTickAt : null;
      return {
        running,
        leaseHeld: options.lease.held(),
        lastScan,
        lastError,
        nextScanAt: full === null ? null : new Date(full).toISOString(),
        nextDemandCheckAt: demandCheck === null ? null : new Date(demandCheck).toISOString(),
        demand: options.demandStatus?.() ?? null,
      };
    },
    tick: () => (current = tick('periodic')),
  };
}
