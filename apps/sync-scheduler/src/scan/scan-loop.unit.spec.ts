// The loop's timing, on a fake clock: periodic scans every interval, demand scans in
// between, nothing without the lease (and no busy loop either).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import type { ScanResult } from './background-scan';
import type { ScanLease } from './scan-lease';
import { createScanLoop } from './scan-loop';

const logger = pino({ level: 'silent' });
const result = (trigger: ScanResult['trigger'], watched: number): ScanResult => ({
  at: new Date().toISOString(),
  trigger,
  sources: 1,
  watched,
  due: 0,
  dueWatched: 0,
  queued: 0,
  joined: 0,
  failed: 0,
  backedOff: 0,
  leaseLost: false,
  durationMs: 0,
});

function lease(held: { value: boolean }): ScanLease & { attempts: number } {
  const l = {
    attempts: 0,
    tryHold: async () => {
      l.attempts += 1;
      return held.value;
    },
    held: () => held.value,
    holder: async () => (held.value ? 'me' : undefined),
    release: async () => undefined,
  };
  return l;
}

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-11-25T12:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('scan loop', () => {
  it('scans at start, checks the demand signal every demandIntervalMs, and scans periodically every interval', async () => {
    const calls: string[] = [];
    let watched = 0;
    const loop = createScanLoop({
      intervalMs: 60_000,
      demandIntervalMs: 15_000,
      lease: lease({ value: true }),
      logger,
      scan: async () => {
        calls.push('periodic');
        return result('interval', watched);
      },
      demandScan: async () => {
        calls.push('demand');
        return watched > 0 ? result('demand', watched) : null;
      },
      demandStatus: () => ({ bucket: 'b', watched, readAt: null, lastError: null }),
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual(['periodic']);
    expect(loop.status()).toMatchObject({ nextScanAt: '2026-11-25T12:01:00.000Z', nextDemandCheckAt: '2026-11-25T12:00:15.000Z' });

    await vi.advanceTimersByTimeAsync(45_000);
    expect(calls).toEqual(['periodic', 'demand', 'demand', 'demand']);
    expect(loop.status().lastScan?.trigger).toBe('interval'); // a demand check that found nothing watched keeps it

    watched = 2;
    await vi.advanceTimersByTimeAsync(15_000);
    expect(calls.at(-1)).toBe('periodic'); // the interval has passed: a periodic scan, not a demand one
    await vi.advanceTimersByTimeAsync(15_000);
    expect(calls.at(-1)).toBe('demand');
    expect(loop.status()).toMatchObject({ lastScan: { trigger: 'demand', watched: 2 }, demand: { watched: 2 } });
    await loop.stop();
    expect(loop.status()).toMatchObject({ running: false, nextScanAt: null, nextDemandCheckAt: null });
  });

  it('without demand scans, scans every interval only', async () => {
    const calls: string[] = [];
    const loop = createScanLoop({
      intervalMs: 60_000,
      lease: lease({ value: true }),
      logger,
      scan: async () => {
        calls.push('periodic');
        return result('interval', 0);
      },
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(180_000);
    expect(calls).toEqual(['periodic', 'periodic', 'periodic', 'periodic']);
    expect(loop.status()).toMatchObject({ nextDemandCheckAt: null, demand: null });
    await loop.stop();
  });

  it('without the lease scans nothing and tries for it at the demand interval; scans everything once it has it', async () => {
    const held = { value: false };
    const l = lease(held);
    const calls: string[] = [];
    const loop = createScanLoop({
      intervalMs: 600_000,
      demandIntervalMs: 15_000,
      lease: l,
      logger,
      scan: async () => {
        calls.push('periodic');
        return result('interval', 0);
      },
      demandScan: async () => {
        calls.push('demand');
        return null;
      },
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toEqual([]);
    expect(l.attempts).toBe(5); // at 0, 15, 30, 45 and 60 s: no busy loop
    held.value = true;
    await vi.advanceTimersByTimeAsync(15_000);
    expect(calls).toEqual(['periodic']);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(calls).toEqual(['periodic', 'demand']);
    await loop.stop();
  });

  it('records a failed scan and goes on', async () => {
    let fail = true;
    const loop = createScanLoop({
      intervalMs: 60_000,
      demandIntervalMs: 15_000,
      lease: lease({ value: true }),
      logger,
      scan: async () => result('interval', 0),
      demandScan: async () => {
        if (fail) throw new Error('list-sources timed out');
        return result('demand', 1);
      },
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(15_000);
    expect(loop.status().lastError).toBe('list-sources timed out');
    fail = false;
    await vi.advanceTimersByTimeAsync(15_000);
    expect(loop.status()).toMatchObject({ lastError: null, lastScan: { trigger: 'demand' } });
    await loop.stop();
  });
});
