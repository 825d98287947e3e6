// Pure: which sources the background scan should sync now — never synced, or last
// synced at least their minAge ago.
export interface SourceSchedule {
  tenant: string;
  source: string;
  lastSyncedAt: string | null;
  minAgeMs: number;
  backgroundPriority?: number;
}

export interface DueSource extends SourceSchedule {
  /** How long ago it was synced; null when never. */
  ageMs: number | null;
}

export function dueSources(sources: readonly SourceSchedule[], nowMs: number): DueSource[] {
  return sources.flatMap((s) => {
    const ageMs = s.lastSyncedAt === null ? null : nowMs - Date.parse(s.lastSyncedAt);
    return ageMs === null || ageMs >= s.minAgeMs ? [{ ...s, ageMs }] : [];
  });
}
