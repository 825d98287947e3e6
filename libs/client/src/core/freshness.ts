// How fresh the data a store shows is, from the snapshot's meta and then from events.
// 'cached' is the snapshot's word for data read from a stored copy that was fresh when
// served; a live event of a completed sync makes it 'fresh'.
import type { SnapshotMeta, SourceStatusData } from '@freshet/contracts';
import type { ClientError, Freshness } from '../types';

export function freshnessOfSnapshot(meta: SnapshotMeta): Freshness {
  // Stale data whose revalidation is already under way: shown as 'stale' first (that is
  // what the records are), then 'revalidating' (see revalidationUnderWay and the store).
  if (revalidationUnderWay(meta)) return 'stale';
  if (meta.state !== 'fresh') return meta.state;
  // Read from the cache or the database: believed fresh, not seen being synced.
  return meta.servedFrom === 'upstream' ? 'fresh' : 'cached';
}

/**
 * The cache answers a read of stale data at once with `state: 'revalidating'` and starts
 * the sync. The user should see both facts in order — the data is old, and it is being
 * updated — so the store shows 'stale' and turns it into 'revalidating' a moment later
 * (unless an event said otherwise meanwhile).
 */
export function revalidationUnderWay(meta: SnapshotMeta): boolean {
  return meta.state === 'revalidating' && (meta.ageMs === null || meta.ageMs > meta.staleAfterMs);
}

export function freshnessOfStatus(data: SourceStatusData): Freshness {
  return data.state;
}

/** `CODE: message` (how the cache words a failure) as a ClientError; any other text as SOURCE_ERROR. */
export function sourceErrorOf(reason: string): ClientError {
  const match = /^([A-Z][A-Z0-9_]{1,63}): /.exec(reason);
  return { code: match ? (match[1] as string) : 'SOURCE_ERROR', message: reason };
}
