// Pure: which sources the background scan should sync now — never synced, or last
// synced at least their minAge ago; for a watched source (a gateway streams it now, see
// the demand signal) at least its watchedMinAge ago, which is shorter. Watched sources
// come first, so when the work is cut short (the upstream's daily request budget makes
// background jobs wait, or the lease is lost mid-scan) they are the ones already queued.
//
// A source whose jobs keep dying (never synced, the upstream answers 401, …) would be due
// at every scan, because its lastSyncedAt never moves: dead jobs would pile up and the
// upstream be asked for doomed requests for ever. So a source with jobs that ended dead
// since its last successful sync waits after the latest death: max(minAge, base), doubling
// per death, capped (decision 0008). Only this scan backs off: refreshes and the cache's
// stale reads go straight to revalidate and are never held back.
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
  /** Jobs that died since its last sync (its backoff has run out); 0 normally. */
  deadJobs: number;
}

/** The identity of a source in the watched set: "tenant/source". */
export function sourceKey(tenant: string, source: string): string {
  return `${tenant}/${source}`;
}

/** The ledger's dead jobs of one source since it last synced (job-repository: deadJobsSinceSynced). */
export interface DeathStreak {
  /** Jobs that ended dead since the source's last successful sync (ever, if it never synced). */
  deaths: number;
  /** When the latest of them died. */
  lastDeathAt: string;
}

export interface DeadJobBackoff {
  /** The first wait after a death when longer than the source's minAge (SCHEDULER_DEAD_BACKOFF_MS). */
  baseMs: number;
  /** Doubling stops here, unless the first wait is already longer (SCHEDULER_DEAD_BACKOFF_MAX_MS). */
  maxMs: number;
}

/** A source that would be due but waits because its jobs keep dying. */
export interface BackedOffSource extends SourceSchedule, DeathStreak {
  backoffMs: number;
  /** When the scan may queue it again. */
  retryAt: string;
}

export interface ScanPlan {
  due: DueSource[];
  backedOff: BackedOffSource[];
}

export interface ScanPlanOptions {
  /** "tenant/source" keys of the sources gateways stream now. */
  watched?: ReadonlySet<string>;
  /** Dead-job streaks by "tenant/source" key, and the backoff they earn; without them nothing backs off. */
  deadJobs?: { streaks: ReadonlyMap<string, DeathStreak>; backoff: DeadJobBackoff };
}

/** How long after its latest death a source with `deaths` dead jobs in a row waits: first = max(minAge, base), then ×2 each, up to max(maxMs, first). */
export function deadJobBackoffMs(deaths: number, minAgeMs: number, backoff: DeadJobBackoff): number {
  if (deaths < 1) return 0;
  const first = Math.max(minAgeMs, backoff.baseMs);
  return Math.min(Math.max(backoff.maxMs, first), first * 2 ** Math.min(deaths - 1, 52));
}

export function planScan(sources: readonly SourceSchedule[], nowMs: number, options: ScanPlanOptions = {}): ScanPlan {
  const watched = options.watched ?? new Set<string>();
  const due: DueSource[] = [];
  const backedOff: BackedOffSource[] = [];
  for (const s of sources) {
    const key = sourceKey(s.tenant, s.source);
    const isWatched = watched.has(key);
    const dueAfterMs = isWatched ? effectiveWatchedMinAgeMs(s) : s.minAgeMs;
    const ageMs = s.lastSyncedAt === null ? null : nowMs - Date.parse(s.lastSyncedAt);
    if (ageMs !== null && ageMs < dueAfterMs) continue;
    const streak = options.deadJobs?.streaks.get(key);
    if (streak && streak.deaths > 0 && options.deadJobs) {
      const backoffMs = deadJobBackoffMs(streak.deaths, s.minAgeMs, options.deadJobs.backoff);
      const retryAtMs = Date.parse(streak.lastDeathAt) + backoffMs;
      if (nowMs < retryAtMs) {
        backedOff.push({ ...s, ...streak, backoffMs, retryAt: new Date(retryAtMs).toISOString() });
        continue;
      }
    }
    due.push({ ...s, ageMs, watched: isWatched, dueAfterMs, deadJobs: streak?.deaths ?? 0 });
  }
  // Stable: otherwise the directory's order.
  due.sort((a, b) => Number(b.watched) - Number(a.watched));
  return { due, backedOff };
}

/** The sources due now, ignoring dead jobs (planScan with the demand signal only). */
export function dueSources(sources: readonly SourceSchedule[], nowMs: number, watched: ReadonlySet<string> = new Set()): DueSource[] {
  return planScan(sources, nowMs, { watched }).due;
}

/** Due only because it is watched: its minAge alone would not have picked it. */
export function dueBecauseWatched(source: DueSource): boolean {
  return source.watched && source.ageMs !== null && source.ageMs < source.minAgeMs;
}
