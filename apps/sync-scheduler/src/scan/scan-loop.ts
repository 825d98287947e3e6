// Runs the background scan every interval on the replica that holds the lease, and
// remembers what happened for the status API. stop() lets a running scan finish.
import type { Logger } from '@freshet/telemetry';
import type { ScanResult } from './background-scan';
import type { ScanLease } from './scan-lease';

export interface ScanStatus {
  running: boolean;
  leaseHeld: boolean;
  lastScan: ScanResult | null;
  lastError: string | null;
  nextScanAt: string | null;
}

export interface ScanLoop {
  start(): void;
  stop(): Promise<void>;
  status(): ScanStatus;
  /** Which replica holds the scan lease (by instance id). */
  leaseHolder(): Promise<string | undefined>;
  /** Runs one tick now (tests, and an operator's "scan now"). */
  tick(): Promise<void>;
}

export function createScanLoop(options: { intervalMs: number; lease: ScanLease; scan: () => Promise<ScanResult>; logger: Logger }): ScanLoop {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let current: Promise<void> | undefined;
  let lastScan: ScanResult | null = null;
  let lastError: string | null = null;
  let nextScanAt: Date | null = null;

  const tick = async () => {
    if (!(await options.lease.tryHold())) return;
    try {
      lastScan = await options.scan();
      lastError = null;
    } catch (error) {
      lastError = (error as Error).message;
      options.logger.warn({ err: error }, 'background scan failed');
    }
  };

  const schedule = (delayMs: number) => {
    if (!running) return;
    nextScanAt = new Date(Date.now() + delayMs);
    timer = setTimeout(() => {
      current = tick().finally(() => schedule(options.intervalMs));
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
      nextScanAt = null;
      await current;
      await options.lease.release();
    },
    leaseHolder: () => options.lease.holder(),
    status: () => ({ running, leaseHeld: options.lease.held(), lastScan, lastError, nextScanAt: nextScanAt?.toISOString() ?? null }),
    tick: () => (current = tick()),
  };
}
