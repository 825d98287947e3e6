import { describe, expect, it } from 'vitest';
import type { GatewayOverview } from '../types';
import { cacheWritten, contentDeleted, EPOCH, jobCompleted, newJobId, sourceStatus } from '../testing/events';
import { applyAdminEvents, applyOverview, INITIAL_OVERVIEW_STATE, startOverviewLoading } from './overview-model';

const overview: GatewayOverview = {
  position: `${EPOCH}:10`,
  jobs: null,
  deadJobs: null,
  cache: null,
  sources: [
    { source: 'orders', lastSyncedAt: null, ageMs: null, state: 'stale', staleAfterMs: 60_000 },
    { source: 'users', lastSyncedAt: null, ageMs: null, state: 'fresh', staleAfterMs: 60_000, seq: 3, count: 2 },
  ],
  sourcesTruncated: false,
  unavailable: [],
};
const at = (seq: number) => ({ epoch: EPOCH, seq });
const ready = () => applyOverview({ view: INITIAL_OVERVIEW_STATE }, overview, at(10));

describe('overview model', () => {
  it('applies source.status and cache.written to the listed sources', () => {
    const result = applyAdminEvents(
      ready(),
      [
        { position: at(11), event: sourceStatus('orders', { state: 'error', jobId: newJobId(), reason: 'X: y' }) },
        { position: at(12), event: cacheWritten('users', 12, 5) },
      ],
      5_000,
    );
    expect(result.model.view.overview?.sources).toEqual([
      { ...overview.sources?.[0], state: 'error', error: 'X: y' },
      { ...overview.sources?.[1], seq: 12, count: 5 },
    ]);
    expect(result.model.view.lastEventAt).toBe(5_000);
    expect(result.jobsChanged).toBe(false);
  });

  it('says job counts changed on job events, skips duplicates and content events', () => {
    const result = applyAdminEvents(
      ready(),
      [
        { position: at(9), event: sourceStatus('orders', { state: 'fresh', jobId: newJobId() }) },
        { position: at(11), event: contentDeleted('orders', 'k') },
        { position: at(12), event: jobCompleted('orders', newJobId()) },
      ],
      0,
    );
    expect(result).toMatchObject({ duplicates: 1, jobsChanged: true, needsReload: false });
    expect(result.model.view.overview?.sources?.[0]?.state).toBe('stale');
  });

  it('asks for a reload on another epoch', () => {
    expect(applyAdminEvents(ready(), [{ position: { epoch: 'x', seq: 1 }, event: cacheWritten('users', 1, 1) }], 0).needsReload).toBe(true);
  });

  it('a quiet reload stays ready', () => {
    expect(startOverviewLoading(ready(), true).view.status).toBe('ready');
    expect(startOverviewLoading(ready(), false).view.status).toBe('loading');
  });
});
