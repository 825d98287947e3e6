// The state of one source store and the pure transitions on it: a snapshot applied, events
// applied in stream order (content.* → records, source.status and job ends → freshness),
// a refresh asked for. The store (stores/source-store.ts) does the I/O around it.
import type { StreamPosition } from '@freshet/contracts';
import type { ClientError, Freshness, SnapshotMeta, SourceRecord, SourceState } from '../types';
import { sequenceEvents, type PositionedEvent } from './event-sequence';
import { freshnessOfSnapshot, sourceErrorOf } from './freshness';
import { formatStreamPosition } from './position';
import { mergeRecordChanges, sortRecords } from './records';

export type { PositionedEvent } from './event-sequence';

export interface LoadedSnapshot {
  records: ReadonlyArray<SourceRecord>;
  meta: SnapshotMeta;
  position: StreamPosition;
}

type JobOutcome = { kind: 'completed'; time: string } | { kind: 'failed'; error: ClientError };

export interface SourceModel {
  readonly view: SourceState;
  /** The position applied so far; undefined until a snapshot is loaded (and while reloading). */
  readonly applied?: StreamPosition;
  /** Jobs refresh() started or joined: their final failure makes the source 'error'. */
  readonly awaitedJobs: ReadonlySet<string>;
  /** Ends of recent jobs, for a refresh answered after its job already ended. */
  readonly recentOutcomes: ReadonlyMap<string, JobOutcome>;
  /** Freshness before refresh() said 'revalidating': restored when the request fails. */
  readonly freshnessBeforeRefresh?: Freshness;
}

const RECENT_OUTCOMES = 32;

export const INITIAL_SOURCE_STATE: SourceState = Object.freeze({ status: 'idle', records: Object.freeze([]), freshness: 'cached', changed: undefined });

export function initialSourceModel(): SourceModel {
  return { view: INITIAL_SOURCE_STATE, awaitedJobs: new Set(), recentOutcomes: new Map() };
}

/** Loading (again): the records stay visible; events are not applied until the snapshot lands. */
export function startLoading(model: SourceModel): SourceModel {
  return { ...model, applied: undefined, view: { ...model.view, status: 'loading' } };
}

export function applySnapshot(model: SourceModel, snapshot: LoadedSnapshot): SourceModel {
  return {
    ...model,
    applied: snapshot.position,
    view: {
      status: 'ready',
      records: sortRecords(snapshot.records),
      freshness: freshnessOfSnapshot(snapshot.meta),
      meta: snapshot.meta,
      lastSyncedAt: snapshot.meta.lastSyncedAt,
      changed: undefined,
      position: formatStreamPosition(snapshot.position),
    },
  };
}

export function failLoading(model: SourceModel, error: ClientError): SourceModel {
  return { ...model, applied: undefined, view: { ...model.view, status: 'error', error } };
}

/** The stream could not resume from this store's position (another epoch): it follows from `position` instead. */
export function rebase(model: SourceModel, position: StreamPosition): SourceModel {
  return { ...model, applied: position, view: { ...model.view, position: formatStreamPosition(position) } };
}

export interface EventsResult {
  model: SourceModel;
  /** Events at or before the applied position, skipped. */
  duplicates: number;
  /** An event of another epoch: the snapshot must be reloaded (nothing after it was applied). */
  needsReload: boolean;
}

/** Applies the events of `sourceId` in order; one new view for the whole batch. */
export function applyEvents(model: SourceModel, sourceId: string, events: ReadonlyArray<PositionedEvent>, now: number): EventsResult {
  if (model.applied === undefined) return { model, duplicates: 0, needsReload: false };
  const { fresh, applied, duplicates, needsReload } = sequenceEvents(model.applied, events, (event) => event.source === sourceId);
  const changes = new Map<string, Record<string, unknown> | null>();
  let view: SourceState = model.view;
  const awaited = new Set(model.awaitedJobs);
  const outcomes = new Map(model.recentOutcomes);

  for (const { event } of fresh) {
    switch (event.type) {
      case 'content.created':
      case 'content.updated':
        changes.set(event.data.key, event.data.record);
        break;
      case 'content.deleted':
        changes.set(event.data.key, null);
        break;
      case 'source.status': {
        const { data } = event;
        view = {
          ...view,
          freshness: data.state,
          error: data.state === 'error' ? sourceErrorOf(data.reason) : undefined,
          ...(data.lastSyncedAt !== undefined ? { lastSyncedAt: data.lastSyncedAt } : {}),
        };
        break;
      }
      case 'job.completed':
        // Any completed sync of the source: the data is new (the cache's rule too).
        remember(outcomes, event.data.jobId, { kind: 'completed', time: event.time });
        awaited.delete(event.data.jobId);
        view = { ...view, freshness: 'fresh', error: undefined, lastSyncedAt: event.time };
        break;
      case 'job.failed':
      case 'job.dead': {
        if (event.type === 'job.failed' && event.data.willRetry) break;
        const error = { code: event.data.error.code, message: `${event.data.error.code}: ${event.data.error.message}` };
        remember(outcomes, event.data.jobId, { kind: 'failed', error });
        if (awaited.delete(event.data.jobId)) view = { ...view, freshness: 'error', error };
        break;
      }
      default:
        break;
    }
  }

  if (applied === model.applied) return { model, duplicates, needsReload };
  if (changes.size > 0) view = { ...view, records: mergeRecordChanges(view.records, changes), changed: { keys: [...changes.keys()], at: now } };
  view = { ...view, position: formatStreamPosition(applied) };
  return { model: { ...model, applied, view, awaitedJobs: awaited, recentOutcomes: outcomes }, duplicates, needsReload };
}

function remember(outcomes: Map<string, JobOutcome>, jobId: string, outcome: JobOutcome): void {
  outcomes.delete(jobId);
  outcomes.set(jobId, outcome);
  while (outcomes.size > RECENT_OUTCOMES) outcomes.delete(outcomes.keys().next().value as string);
}

/** The snapshot said a revalidation is under way: its 'stale' notice has been shown long enough. */
export function showRevalidation(model: SourceModel): SourceModel {
  if (model.view.freshness !== 'stale') return model;
  return { ...model, view: { ...model.view, freshness: 'revalidating' } };
}

/** refresh() asked: 'revalidating' at once. */
export function requestRefresh(model: SourceModel): SourceModel {
  return {
    ...model,
    freshnessBeforeRefresh: model.freshnessBeforeRefresh ?? model.view.freshness,
    view: { ...model.view, freshness: 'revalidating' },
  };
}

/** The gateway took the refresh: wait for its job's end, unless the stream already told it. */
export function refreshAccepted(model: SourceModel, jobId: string): SourceModel {
  const outcome = model.recentOutcomes.get(jobId);
  const base = { ...model, freshnessBeforeRefresh: undefined };
  if (outcome?.kind === 'completed') return base;
  if (outcome?.kind === 'failed') return { ...base, view: { ...model.view, freshness: 'error', error: outcome.error } };
  return { ...base, awaitedJobs: new Set([...model.awaitedJobs, jobId]) };
}

/** The refresh request failed: the freshness is what it was (unless an event changed it meanwhile). */
export function refreshFailed(model: SourceModel): SourceModel {
  const before = model.freshnessBeforeRefresh;
  if (before === undefined) return model;
  const view = model.view.freshness === 'revalidating' ? { ...model.view, freshness: before } : model.view;
  return { ...model, freshnessBeforeRefresh: undefined, view };
}
