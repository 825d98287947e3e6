// The admin overview's numbers as the page lays them out: job counts in a fixed status
// order, priorities from most to least urgent, the served-from mix as shares of one bar.
import type { ServedFrom, TenantOverview } from '@freshet/contracts';

export const JOB_STATUSES = ['queued', 'running', 'retrying', 'completed', 'dead'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export function jobStatusRows(byStatus: Partial<Record<string, number>>): Array<{ status: JobStatus; count: number }> {
  return JOB_STATUSES.map((status) => ({ status, count: byStatus[status] ?? 0 }));
}

/** Priorities with jobs, most urgent (10, a user waiting) first. */
export function priorityRows(byPriority: Readonly<Record<string, number>>): Array<{ priority: string; count: number }> {
  return Object.entries(byPriority)
    .map(([priority, count]) => ({ priority, count }))
    .sort((a, b) => Number(b.priority) - Number(a.priority));
}

export const SERVED_FROM: readonly ServedFrom[] = ['cache', 'database', 'upstream'];

export interface MixSegment {
  where: ServedFrom;
  count: number;
  /** 0..1; all zero when nothing was served yet. */
  share: number;
  /** Position and width in a bar of width 1. */
  offset: number;
}

export function servedFromMix(servedFrom: Readonly<Record<ServedFrom, number>>): MixSegment[] {
  const total = SERVED_FROM.reduce((sum, where) => sum + servedFrom[where], 0);
  let offset = 0;
  return SERVED_FROM.map((where) => {
    const share = total === 0 ? 0 : servedFrom[where] / total;
    const segment = { where, count: servedFrom[where], share, offset };
    offset += share;
    return segment;
  });
}

/** The cache's hit ratio, computed when the cache did not say (before its first read it is null). */
export function hitRatio(cache: NonNullable<TenantOverview['cache']>): number | null {
  if (cache.hitRatio !== null) return cache.hitRatio;
  const reads = cache.hits + cache.misses;
  return reads === 0 ? null : cache.hits / reads;
}
