import { describe, expect, it } from 'vitest';
import type { FreshetEvent } from '@freshet/contracts';
import { contentDeleted, contentUpserted, EPOCH, jobCompleted, jobDead, newJobId, snapshotMeta, sourceStatus } from '../testing/events';
import { freshnessOfSnapshot } from './freshness';
import {
  applyEvents,
  applySnapshot,
  failLoading,
  initialSourceModel,
  rebase,
  refreshAccepted,
  refreshFailed,
  requestRefresh,
  showRevalidation,
  startLoading,
  type SourceModel,
} from './source-model';

const SOURCE = 'orders';
const at = (seq: number, epoch = EPOCH) => ({ epoch, seq });

function loaded(seq = 10, records = [{ key: 'a', record: { v: 1 } }, { key: 'c', record: { v: 1 } }]): SourceModel {
  return applySnapshot(startLoading(initialSourceModel()), { records, meta: snapshotMeta(seq, { count: records.length }), position: at(seq) });
}

function apply(model: SourceModel, ...events: [number, FreshetEvent][]) {
  return applyEvents(model, SOURCE, events.map(([seq, event]) => ({ position: at(seq), event })), 1234);
}

const keys = (model: SourceModel) => model.view.records.map((r) => r.key);

describe('source model: snapshot', () => {
  it('loads a snapshot: ready, records in key order, position, freshness from meta', () => {
    const model = applySnapshot(initialSourceModel(), {
      records: [{ key: 'b', record: {} }, { key: 'a', record: {} }],
      meta: snapshotMeta(7),
      position: at(7),
    });
    expect(model.view).toMatchObject({ status: 'ready', freshness: 'cached', position: `${EPOCH}:7`, lastSyncedAt: '2026-01-02T03:00:00.000Z' });
    expect(keys(model)).toEqual(['a', 'b']);
  });

  it.each([
    [{ state: 'fresh', servedFrom: 'cache' }, 'cached'],
    [{ state: 'fresh', servedFrom: 'database' }, 'cached'],
    [{ state: 'fresh', servedFrom: 'upstream' }, 'fresh'],
    [{ state: 'stale', servedFrom: 'cache' }, 'stale'],
    [{ state: 'revalidating', servedFrom: 'cache' }, 'revalidating'],
    [{ state: 'error', servedFrom: 'database' }, 'error'],
  ] as const)('maps meta %o to freshness %s', (meta, freshness) => {
    expect(freshnessOfSnapshot(snapshotMeta(1, meta))).toBe(freshness);
  });

  it('shows stale data under revalidation as stale first, then revalidating', () => {
    // The cache answers a stale read with 'revalidating' and an age past staleAfterMs.
    const meta = snapshotMeta(3, { state: 'revalidating', ageMs: 5_000, staleAfterMs: 1_000 });
    const model = applySnapshot(initialSourceModel(), { records: [], meta, position: at(3) });
    expect(model.view.freshness).toBe('stale');
    expect(showRevalidation(model).view.freshness).toBe('revalidating');
    // Never synced: stale too.
    expect(freshnessOfSnapshot(snapshotMeta(3, { state: 'revalidating', ageMs: null, lastSyncedAt: null }))).toBe('stale');
    // An event that already moved it on wins over the notice.
    const fresh = apply(model, [4, sourceStatus(SOURCE, { state: 'fresh', jobId: newJobId() })]).model;
    expect(showRevalidation(fresh)).toBe(fresh);
  });

  it('keeps the records visible while reloading and takes no events then', () => {
    const reloading = startLoading(loaded());
    expect(reloading.view.status).toBe('loading');
    expect(keys(reloading)).toEqual(['a', 'c']);
    const result = apply(reloading, [11, contentDeleted(SOURCE, 'a')]);
    expect(result.model).toBe(reloading);
    expect(result.duplicates).toBe(0);
  });

  it('records a load failure', () => {
    const failed = failLoading(startLoading(initialSourceModel()), { code: 'SOURCE_NOT_FOUND', message: 'no', status: 404 });
    expect(failed.view).toMatchObject({ status: 'error', error: { code: 'SOURCE_NOT_FOUND' } });
    expect(failed.applied).toBeUndefined();
  });
});

describe('source model: events', () => {
  it('upserts and deletes records from content events, in seq order, with one view per batch', () => {
    const model = loaded();
    const { model: next, duplicates, needsReload } = apply(
      model,
      [11, contentUpserted(SOURCE, 'b', { v: 2 }, 'content.created')],
      [12, contentUpserted(SOURCE, 'a', { v: 3 })],
      [13, contentDeleted(SOURCE, 'c')],
      [14, contentUpserted(SOURCE, 'a', { v: 4 })],
    );
    expect({ duplicates, needsReload }).toEqual({ duplicates: 0, needsReload: false });
    expect(next.view.records).toEqual([
      { key: 'a', record: { v: 4 } },
      { key: 'b', record: { v: 2 } },
    ]);
    expect(next.view.changed).toEqual({ keys: ['b', 'a', 'c'], at: 1234 });
    expect(next.view.position).toBe(`${EPOCH}:14`);
    expect(model.view.records).toHaveLength(2); // the old state is untouched
  });

  it('treats an update of an unknown key as a create and a delete of an unknown key as nothing', () => {
    const { model } = apply(loaded(), [11, contentUpserted(SOURCE, 'zz', { v: 1 })], [12, contentDeleted(SOURCE, 'nope')]);
    expect(keys(model)).toEqual(['a', 'c', 'zz']);
  });

  it('ignores events at or below the applied seq and counts them as duplicates', () => {
    const model = loaded(10);
    const result = apply(model, [9, contentDeleted(SOURCE, 'a')], [10, contentDeleted(SOURCE, 'c')], [11, contentUpserted(SOURCE, 'd', {})], [11, contentDeleted(SOURCE, 'd')]);
    expect(result.duplicates).toBe(3);
    expect(keys(result.model)).toEqual(['a', 'c', 'd']);
  });

  it('returns the same state when only duplicates arrived', () => {
    const model = loaded(10);
    const result = apply(model, [10, contentDeleted(SOURCE, 'a')]);
    expect(result.model).toBe(model);
    expect(result.duplicates).toBe(1);
  });

  it('asks for a reload on an event of another epoch and applies nothing after it', () => {
    const result = applyEvents(
      loaded(10),
      SOURCE,
      [
        { position: at(11), event: contentDeleted(SOURCE, 'a') },
        { position: at(3, 'other'), event: contentDeleted(SOURCE, 'c') },
        { position: at(12), event: contentDeleted(SOURCE, 'c') },
      ],
      0,
    );
    expect(result.needsReload).toBe(true);
    expect(keys(result.model)).toEqual(['c']);
  });

  it("ignores other sources' events", () => {
    const model = loaded();
    expect(apply(model, [11, contentDeleted('other', 'a')]).model).toBe(model);
  });

  it('follows source.status: freshness, lastSyncedAt, and the error reason', () => {
    let model = apply(loaded(), [11, sourceStatus(SOURCE, { state: 'revalidating', reason: 'stale read' })]).model;
    expect(model.view.freshness).toBe('revalidating');
    model = apply(model, [12, sourceStatus(SOURCE, { state: 'error', jobId: newJobId(), reason: 'UPSTREAM_HTTP_ERROR: 503' })]).model;
    expect(model.view).toMatchObject({ freshness: 'error', error: { code: 'UPSTREAM_HTTP_ERROR', message: 'UPSTREAM_HTTP_ERROR: 503' } });
    model = apply(model, [13, sourceStatus(SOURCE, { state: 'fresh', jobId: newJobId(), lastSyncedAt: '2026-02-01T00:00:00.000Z' })]).model;
    expect(model.view).toMatchObject({ freshness: 'fresh', error: undefined, lastSyncedAt: '2026-02-01T00:00:00.000Z' });
    model = apply(model, [14, sourceStatus(SOURCE, { state: 'stale', lastSyncedAt: null })]).model;
    expect(model.view).toMatchObject({ freshness: 'stale', lastSyncedAt: null });
  });

  it('does not change freshness for content events alone', () => {
    const model = apply(loaded(), [11, contentUpserted(SOURCE, 'a', { v: 9 })]).model;
    expect(model.view.freshness).toBe('cached');
  });

  it('keeps the last flash when a batch changes no record', () => {
    const first = apply(loaded(), [11, contentUpserted(SOURCE, 'a', { v: 9 })]).model;
    const second = apply(first, [12, sourceStatus(SOURCE, { state: 'stale' })]).model;
    expect(second.view.changed).toEqual(first.view.changed);
  });
});

describe('source model: refresh', () => {
  it("is revalidating at once, and fresh when the source's job completes", () => {
    const jobId = newJobId();
    let model = requestRefresh(loaded());
    expect(model.view.freshness).toBe('revalidating');
    model = refreshAccepted(model, jobId);
    model = apply(model, [11, contentUpserted(SOURCE, 'a', { v: 2 })]).model;
    expect(model.view.freshness).toBe('revalidating');
    model = apply(model, [12, jobCompleted(SOURCE, jobId, '2026-03-01T00:00:00.000Z')]).model;
    expect(model.view).toMatchObject({ freshness: 'fresh', lastSyncedAt: '2026-03-01T00:00:00.000Z' });
  });

  it("is error when the refresh's job dies, and only for that job", () => {
    const jobId = newJobId();
    let model = refreshAccepted(requestRefresh(loaded()), jobId);
    model = apply(model, [11, jobDead(SOURCE, newJobId())]).model;
    expect(model.view.freshness).toBe('revalidating');
    model = apply(model, [12, jobDead(SOURCE, jobId)]).model;
    expect(model.view).toMatchObject({ freshness: 'error', error: { code: 'UPSTREAM_HTTP_ERROR' } });
  });

  it('knows the outcome when the job ended before the refresh was answered', () => {
    const done = newJobId();
    let model = requestRefresh(loaded());
    model = apply(model, [11, jobCompleted(SOURCE, done)]).model;
    expect(refreshAccepted(model, done).view.freshness).toBe('fresh');
    const dead = newJobId();
    model = apply(requestRefresh(model), [12, jobDead(SOURCE, dead)]).model;
    expect(refreshAccepted(model, dead).view.freshness).toBe('error');
  });

  it('restores the freshness when the request fails', () => {
    const model = requestRefresh(loaded());
    expect(refreshFailed(model).view.freshness).toBe('cached');
    const changedMeanwhile = apply(model, [11, sourceStatus(SOURCE, { state: 'fresh', jobId: newJobId() })]).model;
    expect(refreshFailed(changedMeanwhile).view.freshness).toBe('fresh');
  });
});

describe('source model: rebase', () => {
  it('follows another epoch from the given position', () => {
    const model = rebase(loaded(10), at(500, 'new'));
    expect(model.view.position).toBe('new:500');
    const result = applyEvents(model, SOURCE, [{ position: at(501, 'new'), event: contentDeleted(SOURCE, 'a') }], 0);
    expect(result.needsReload).toBe(false);
    expect(keys(result.model)).toEqual(['c']);
  });
});
