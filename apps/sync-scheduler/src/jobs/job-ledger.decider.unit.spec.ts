import { describe, expect, it } from 'vitest';
import type { FreshetEvent } from '@freshet/contracts';
import { decideLedgerChange } from './job-ledger.decider';

const base = { id: '0b7c7f0e-6a8e-4a2f-9c43-0c0f6b0b2a11', tenant: 'acme', source: 'orders', time: '2026-11-25T10:00:00.000Z' };
const jobId = '5f0c2a44-3a55-4bd3-8a4e-7f7f3c1f0a01';
const error = { code: 'UPSTREAM_HTTP_ERROR', message: '503', retryable: true };
const started = (attempt: number) => ({ ...base, type: 'job.started', data: { jobId, attempt, priority: 5 } }) as FreshetEvent;
const failed = (attempt: number, willRetry: boolean) => ({ ...base, type: 'job.failed', data: { jobId, attempt, error, willRetry } }) as FreshetEvent;
const completed = (attempt: number) =>
  ({
    ...base,
    type: 'job.completed',
    data: { jobId, attempt, notes: [], stats: { pages: 1, requests: 1, notModified: 0, created: 0, updated: 0, deleted: 0, unchanged: 1, skipped: 0, savedRequests: 0, durationMs: 1 } },
  }) as FreshetEvent;

describe('job ledger decider', () => {
  it('given queued, when started, then running with the attempt', () => {
    expect(decideLedgerChange({ status: 'queued', attempts: 0 }, started(1))).toMatchObject({ kind: 'update', status: 'running', attempts: 1 });
  });

  it('given running, when a retryable failure, then retrying (still holding the source)', () => {
    expect(decideLedgerChange({ status: 'running', attempts: 1 }, failed(1, true))).toMatchObject({ status: 'retrying', lastError: error });
  });

  it('given running, when a final failure, then dead and the scheduler records job.dead', () => {
    expect(decideLedgerChange({ status: 'running', attempts: 3 }, failed(3, false))).toMatchObject({ status: 'dead', dead: { error } });
  });

  it('given completed or dead, when anything arrives, then nothing changes', () => {
    expect(decideLedgerChange({ status: 'completed', attempts: 1 }, started(2)).kind).toBe('ignore');
    expect(decideLedgerChange({ status: 'dead', attempts: 3 }, completed(3)).kind).toBe('ignore');
  });

  it('given attempt 2, when a late event of attempt 1 arrives, then it is ignored', () => {
    expect(decideLedgerChange({ status: 'running', attempts: 2 }, failed(1, true)).kind).toBe('ignore');
    expect(decideLedgerChange({ status: 'running', attempts: 2 }, started(1)).kind).toBe('ignore');
  });

  it('completes whatever attempt finished', () => {
    expect(decideLedgerChange({ status: 'retrying', attempts: 2 }, completed(2))).toMatchObject({ status: 'completed', attempts: 2 });
  });
});
