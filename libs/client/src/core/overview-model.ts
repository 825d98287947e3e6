// The admin overview store's state: the overview read over REST, then the admin channel's
// events applied in stream order. Admin events carry states and counts, so applying one
// twice is harmless; job counts cannot be derived from events exactly, so job events only
// say "reread the overview" (the store does, throttled).
import type { FreshetEvent, OverviewSource, StreamPosition } from '@freshet/contracts';
import type { ClientError, GatewayOverview, OverviewState } from '../types';
import { sequenceEvents, type PositionedEvent } from './event-sequence';

export interface OverviewModel {
  readonly view: OverviewState;
  readonly applied?: StreamPosition;
}

export const INITIAL_OVERVIEW_STATE: OverviewState = Object.freeze({ status: 'idle' });

/** Loading; a `quiet` reload (after job events) keeps a ready view 'ready' while it runs. */
export function startOverviewLoading(model: OverviewModel, quiet: boolean): OverviewModel {
  const keepReady = quiet && model.view.status === 'ready';
  return { applied: undefined, view: keepReady ? model.view : { ...model.view, status: 'loading' } };
}

export function applyOverview(model: OverviewModel, overview: GatewayOverview, position: StreamPosition): OverviewModel {
  return { applied: position, view: { ...model.view, status: 'ready', overview, error: undefined } };
}

export function failOverview(model: OverviewModel, error: ClientError): OverviewModel {
  return { applied: undefined, view: { ...model.view, status: 'error', error } };
}

export function rebaseOverview(model: OverviewModel, position: StreamPosition): OverviewModel {
  return { ...model, applied: position };
}

export interface AdminEventsResult {
  model: OverviewModel;
  duplicates: number;
  needsReload: boolean;
  /** A job event was applied: job counts and dead jobs changed. */
  jobsChanged: boolean;
}

/** The events the admin channel carries. */
export function isAdminEvent(event: FreshetEvent): boolean {
  return event.type.startsWith('job.') || event.type.startsWith('cache.') || event.type === 'source.status' || event.type === 'metrics.updated';
}

export function applyAdminEvents(model: OverviewModel, events: ReadonlyArray<PositionedEvent>, now: number): AdminEventsResult {
  const overview = model.view.overview;
  if (model.applied === undefined || overview === undefined) return { model, duplicates: 0, needsReload: false, jobsChanged: false };
  const { fresh, applied, duplicates, needsReload } = sequenceEvents(model.applied, events, isAdminEvent);
  let jobsChanged = false;
  let sources = overview.sources;
  let metrics = model.view.metrics;

  for (const { event } of fresh) {
    if (event.type.startsWith('job.')) jobsChanged = true;
    else if (event.type === 'metrics.updated') metrics = event.data;
    else if (sources !== null) sources = updateSources(sources, event, now);
  }

  if (applied === model.applied) return { model, duplicates, needsReload, jobsChanged };
  const view: OverviewState = { ...model.view, overview: sources === overview.sources ? overview : { ...overview, sources }, metrics, lastEventAt: now };
  return { model: { applied, view }, duplicates, needsReload, jobsChanged };
}

function updateSources(sources: OverviewSource[], event: FreshetEvent, now: number): OverviewSource[] {
  const index = sources.findIndex((s) => s.source === event.source);
  if (index < 0) return sources;
  const current = sources[index] as OverviewSource;
  let next: OverviewSource = current;
  if (event.type === 'source.status') {
    const { data } = event;
    next = { ...current, state: data.state };
    if (data.state === 'error') next.error = data.reason;
    else delete next.error;
    if (data.lastSyncedAt !== undefined) {
      next.lastSyncedAt = data.lastSyncedAt;
      next.ageMs = data.lastSyncedAt === null ? null : Math.max(0, now - Date.parse(data.lastSyncedAt));
    }
  } else if (event.type === 'cache.written') {
    next = { ...current, seq: event.data.seq, count: event.data.count };
  }
  if (next === current) return sources;
  const copy = [...sources];
  copy[index] = next;
  return copy;
}
