import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FreshetEvent } from '@freshet/contracts';
import { isProjectedFamily, projectionOpFor } from './projection-op';

const base = { id: randomUUID(), tenant: 'acme', source: 'orders', time: '2024-05-01T10:00:00.000Z' };
const jobId = randomUUID();

describe('projectionOpFor', () => {
  it('writes the record for content.created and content.updated', () => {
    const created: FreshetEvent = { ...base, type: 'content.created', data: { key: 'k1', hash: 'h1', record: { id: 1, name: 'a' }, jobId } };
    const updated: FreshetEvent = { ...base, type: 'content.updated', data: { key: 'k1', hash: 'h2', previousHash: 'h1', record: { id: 1, name: 'b' }, jobId } };
    expect(projectionOpFor(created)).toEqual({ kind: 'put', key: 'k1', json: '{"id":1,"name":"a"}' });
    expect(projectionOpFor(updated)).toEqual({ kind: 'put', key: 'k1', json: '{"id":1,"name":"b"}' });
  });

  it('removes the record for content.deleted', () => {
    expect(projectionOpFor({ ...base, type: 'content.deleted', data: { key: 'k1', previousHash: 'h1', jobId } })).toEqual({ kind: 'delete', key: 'k1' });
  });

  it('stamps the sync time (the event time) for job.completed', () => {
    const event: FreshetEvent = {
      ...base,
      type: 'job.completed',
      data: { jobId, attempt: 1, notes: [], stats: { pages: 1, requests: 1, notModified: 0, created: 0, updated: 0, deleted: 0, unchanged: 0, skipped: 0, savedRequests: 0, durationMs: 1 } },
    };
    expect(projectionOpFor(event)).toEqual({ kind: 'synced', at: base.time });
  });

  it('leaves the view alone for other job events', () => {
    expect(projectionOpFor({ ...base, type: 'job.started', data: { jobId, attempt: 1, priority: 5 } })).toBeUndefined();
  });

  it('reads content and job families only', () => {
    expect(isProjectedFamily('content.updated')).toBe(true);
    expect(isProjectedFamily('job.completed')).toBe(true);
    expect(isProjectedFamily('cache.written')).toBe(false);
    expect(isProjectedFamily('source.status')).toBe(false);
  });
});
