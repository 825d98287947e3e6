// Pure: which sources the background scan should sync now — never synced, or last
// synced at least their minAge ago; for a watched source (a gateway streams it now, see
// the demand signal) at least its watchedMinAge ago, which is shorter. Watched sources
// come first, so when the work is cut short (the upstream's daily request budget makes
// background jobs wait, or the lease is lost mid-scan) they are the ones already queued.
import { effectiveWatchedMinAgeMs } from '@freshet/contracts';

export interface SourceSchedule {
  tenant: string;
  source: string;
  lastSyncedAt: string | null;
  minAgeMs: number;
  /** Unset: the contracts default (60 s), never more than minAgeMs. */
  watchedMinAgeMs?: number;
  backgroundPriority?: number;
}

export interface DueSource extends SourceSchedule {
  /** How long ago it was synced; null when never. */
  ageMs: number | null;
  /** A gateway has a live stream on it. */
  watched: boolean;
  /** The age it became due at: its watchedMinAge when watched, else its minAge. */
  dueAfterMs: number;
}

/** The identity of a source in the watched set: "tenant/source". */
export function sourceKey(tenant: string, source: string): string {
  return `${tenant}/${source}`;
}

export function dueSources(sources: readonly SourceSchedule[], nowMs: number, watched: ReadonlySet<string> = new Set()): DueSource[] {
  const due = sources.flatMap((s) => {
    const isWatched = watched.has(sourceKey(s.tenant, s.source));
    const dueAfterMs = isWatched ? effectiveWatchedMinAgeMs(s) : s.minAgeMs;
    const ageMs = s.lastSyncedAt === null ? null : nowMs - Date.parse(s.lastSyncedAt);
    return ageMs === null || ageMs >= dueAfterMs ? [{ ...s, ageMs, watched: isWatched, dueAfterMs }] : [];
  });
  // Stable: otherwise the directory's order.
  return due.sort((a, b) => Number(b.watched) - Number(a.watched));
}

/** Due only because it is watched: its minAge alone would not have picked it. */
export function dueBecauseWatched(source: DueSource): boolean {
  return source.watched && source.ageMs !== null && source.ageMs < source.minAgeMs;
}
