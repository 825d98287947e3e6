// What a widget shows for a source's state: the badge's freshness (a failed snapshot is an
// error whatever the last freshness said), whether there is a badge yet, and what "retry"
// means (reload a snapshot that failed; ask for a sync when the last sync failed).
import type { Freshness, SourceState } from '@freshet/client';

export function badgeFreshness(state: Pick<SourceState, 'status' | 'freshness'>): Freshness {
  return state.status === 'error' ? 'error' : state.freshness;
}

/** No badge while the first snapshot loads: there is nothing to vouch for yet. */
export function showsBadge(state: Pick<SourceState, 'status' | 'records'>): boolean {
  return state.status === 'ready' || state.status === 'error' || state.records.length > 0;
}

export function retryAction(state: Pick<SourceState, 'status' | 'freshness'>): 'reload' | 'refresh' | undefined {
  if (state.status === 'error') return 'reload';
  if (state.freshness === 'error') return 'refresh';
  return undefined;
}
