// How fresh a view is, from when it was last synced and the source's staleAfter. This
// decides `fresh` or `stale`; the revalidator turns `stale` into `revalidating` or `error`.
import type { FreshnessState } from '@freshet/contracts';

export interface Freshness {
  /** Milliseconds since the last sync (never negative, whatever the clocks say); null when never synced. */
  ageMs: number | null;
  state: Extract<FreshnessState, 'fresh' | 'stale'>;
}

export function freshnessOf(lastSyncedAt: string | null, staleAfterMs: number, nowMs: number): Freshness {
  const syncedMs = lastSyncedAt === null ? NaN : Date.parse(lastSyncedAt);
  if (Number.isNaN(syncedMs)) return { ageMs: null, state: 'stale' };
  const ageMs = Math.max(0, Math.round(nowMs - syncedMs));
  return { ageMs, state: ageMs <= staleAfterMs ? 'fresh' : 'stale' };
}
