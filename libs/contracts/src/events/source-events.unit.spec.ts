import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, freshetEventSchema, type FreshetEvent } from './freshet-event';
import { subjectForEvent } from '../subjects';

const base = {
  id: '0b7c7f0e-6a8e-4a2f-9c43-0c0f6b0b2a11',
  tenant: 'acme',
  source: 'orders',
  time: '2026-11-25T10:00:00.000Z',
  type: 'source.status',
};
const jobId = '5f0c2a44-3a55-4bd3-8a4e-7f7f3c1f0a01';

describe('source.status event', () => {
  it('is part of the event union and has its own subject', () => {
    expect(EVENT_TYPES).toContain('source.status');
    const event: FreshetEvent = freshetEventSchema.parse({ ...base, data: { state: 'revalidating', reason: 'stale read' } });
    expect(event.type === 'source.status' && event.data).toEqual({ state: 'revalidating', reason: 'stale read' });
    expect(subjectForEvent('freshet', event)).toBe('freshet.evt.acme.orders.source.status');
  });

  it.each([
    ['fresh with its sync time', { state: 'fresh', jobId, lastSyncedAt: '2026-11-25T09:59:00.000Z' }],
    ['error with a reason', { state: 'error', jobId, reason: 'UPSTREAM_HTTP_ERROR: 500' }],
    ['stale, never synced', { state: 'stale', lastSyncedAt: null }],
    ['revalidating with its cause', { state: 'revalidating', reason: 'stale read' }],
  ])('accepts %s', (_label, data) => {
    expect(freshetEventSchema.safeParse({ ...base, data }).success).toBe(true);
  });

  it.each([
    ['an unknown state', { state: 'warm' }],
    ['no state', { jobId }],
    ['a job id that is not a uuid', { state: 'fresh', jobId: 'job-1' }],
    ['a bad sync time', { state: 'fresh', jobId, lastSyncedAt: 'yesterday' }],
    ['fresh without the job that completed', { state: 'fresh', lastSyncedAt: '2026-11-25T09:59:00.000Z' }],
    ['error without a reason', { state: 'error', jobId }],
  ])('rejects %s', (_label, data) => {
    expect(freshetEventSchema.safeParse({ ...base, data }).success).toBe(false);
  });

  it('keeps a string job id for code that narrows events by their jobId (the scheduler\'s ledger)', () => {
    const event: FreshetEvent = freshetEventSchema.parse({ ...base, data: { state: 'error', jobId, reason: 'X: y' } });
    if (!('jobId' in event.data)) throw new Error('expected a job id');
    const id: string = event.data.jobId; // a type error if any event's jobId were optional
    expect(id).toBe(jobId);
  });
});
