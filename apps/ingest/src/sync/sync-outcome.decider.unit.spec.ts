import { describe, expect, it } from 'vitest';
import { diffRecords } from '@freshet/connectors';
import { decideContentEvents, decideJobCompleted } from './sync-outcome.decider';

const job = { tenant: 'acme', source: 'orders', jobId: '5f0c2a44-3a55-4bd3-8a4e-7f7f3c1f0a01', attempt: 1, time: '2026-11-25T10:00:00.000Z' };

describe('sync outcome decider', () => {
  it('given held records, when the upstream changed, then one event per change', () => {
    const diff = diffRecords(
      new Map([
        ['1', 'a'],
        ['2', 'b'],
      ]),
      [
        { key: '2', hash: 'b2', record: { id: 2 } },
        { key: '3', hash: 'c', record: { id: 3 } },
      ],
    );
    const events = decideContentEvents(job, diff);
    expect(events.map((e) => [e.type, (e.data as { key: string }).key])).toEqual([
      ['content.created', '3'],
      ['content.updated', '2'],
      ['content.deleted', '1'],
    ]);
    expect(events.every((e) => e.tenant === 'acme' && e.source === 'orders' && e.time === job.time)).toBe(true);
  });

  it('given held records, when nothing changed, then no content events and a completed job with the counts', () => {
    const diff = diffRecords(new Map([['1', 'a']]), [{ key: '1', hash: 'a', record: { id: 1 } }]);
    expect(decideContentEvents(job, diff)).toEqual([]);
    const stats = { pages: 1, requests: 1, notModified: 0, created: 0, updated: 0, deleted: 0, unchanged: diff.unchanged, skipped: 0, savedRequests: 0, durationMs: 12 };
    const completed = decideJobCompleted(job, { stats, strategy: 'full', notes: [] });
    expect(completed).toMatchObject({ type: 'job.completed', data: { stats: { unchanged: 1, created: 0, pages: 1 }, strategy: 'full' } });
  });
});
