// "What changed" over a range of the event log: counts of created, updated and deleted
// records, and per record what happened to it last, newest first. Pure over the history
// page(s) the client returned; other event families are counted but not per record.
import type { FreshetEvent } from '@freshet/contracts';

export interface KeyChange {
  key: string;
  created: number;
  updated: number;
  deleted: number;
  lastType: 'content.created' | 'content.updated' | 'content.deleted';
  lastTime: string;
  /** The record after its last change (absent once deleted). */
  record?: Readonly<Record<string, unknown>>;
}

export interface ChangeSummary {
  created: number;
  updated: number;
  deleted: number;
  /** Events of other families (jobs, freshness, cache, metrics). */
  other: number;
  keys: KeyChange[];
}

const keyOrder = new Intl.Collator(undefined, { numeric: true });

export function summarizeChanges(events: ReadonlyArray<{ event: FreshetEvent }>): ChangeSummary {
  const summary: ChangeSummary = { created: 0, updated: 0, deleted: 0, other: 0, keys: [] };
  const byKey = new Map<string, KeyChange>();
  for (const { event } of events) {
    if (event.type !== 'content.created' && event.type !== 'content.updated' && event.type !== 'content.deleted') {
      summary.other += 1;
      continue;
    }
    const change = byKey.get(event.data.key) ?? { key: event.data.key, created: 0, updated: 0, deleted: 0, lastType: event.type, lastTime: event.time };
    const action = event.type === 'content.created' ? 'created' : event.type === 'content.updated' ? 'updated' : 'deleted';
    change[action] += 1;
    summary[action] += 1;
    // History comes oldest first, but compare times anyway: pages may be merged.
    if (event.time >= change.lastTime) {
      change.lastType = event.type;
      change.lastTime = event.time;
      if (event.type === 'content.deleted') delete change.record;
      else change.record = event.data.record;
    }
    byKey.set(event.data.key, change);
  }
  summary.keys = [...byKey.values()].sort((a, b) => (a.lastTime < b.lastTime ? 1 : a.lastTime > b.lastTime ? -1 : keyOrder.compare(a.key, b.key)));
  return summary;
}

/** A short, language-neutral line about one event for the history table. */
export function describeEvent(event: FreshetEvent): { key: string; detail: string } {
  switch (event.type) {
    case 'content.created':
    case 'content.updated':
      return { key: event.data.key, detail: recordLabel(event.data.record) };
    case 'content.deleted':
      return { key: event.data.key, detail: '' };
    case 'job.queued':
      return { key: '', detail: `p${event.data.priority} ${event.data.mode}: ${event.data.reason}` };
    case 'job.started':
      return { key: '', detail: `#${event.data.attempt} p${event.data.priority}` };
    case 'job.completed': {
      const s = event.data.stats;
      return { key: '', detail: `+${s.created} ~${s.updated} −${s.deleted} (${s.requests} req, ${Math.round(s.durationMs)} ms)` };
    }
    case 'job.failed':
      return { key: '', detail: `${event.data.error.code}: ${event.data.error.message}${event.data.willRetry ? ' ↻' : ''}` };
    case 'job.dead':
      return { key: '', detail: `${event.data.error.code}: ${event.data.error.message}` };
    case 'source.status':
      return { key: '', detail: `${event.data.state}${'reason' in event.data && event.data.reason ? `: ${event.data.reason}` : ''}` };
    case 'cache.written':
      return { key: '', detail: `${event.data.count}` };
    case 'cache.cleared':
      return { key: '', detail: `${event.data.scope}: ${event.data.reason}` };
    case 'cache.expired':
      return { key: '', detail: `ttl ${event.data.ttlMs} ms` };
    case 'metrics.updated':
      return { key: '', detail: `${event.data.hits}/${event.data.misses}` };
    default: {
      const unexpected: never = event;
      return { key: '', detail: String((unexpected as { type?: string }).type ?? '') };
    }
  }
}

/** The record's name or title when it has one, else nothing (the key says enough). */
function recordLabel(record: Readonly<Record<string, unknown>>): string {
  for (const field of ['name', 'title', 'label']) {
    const value = record[field];
    if (typeof value === 'string' && value !== '') return value;
  }
  return '';
}
