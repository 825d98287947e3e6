// Events as ingest and the scheduler publish them, for the cache's integration specs: valid
// by the contracts, each with a fresh id, so a spec only states what its test is about.
import { randomUUID } from 'node:crypto';
import type { FreshetEvent, UpstreamRecord } from '@freshet/contracts';

/** The job an event is of: a new one unless a test ties events to one job. */
type JobOf = { jobId?: string };

/** The fields every event carries; `time` is now unless a test dates the event. */
export const eventEnvelope = (tenant: string, source: string, time = new Date().toISOString()) => ({ id: randomUUID(), tenant, source, time });

/** The record is `{ key }` unless the test gives one. */
export function contentCreated(
  tenant: string,
  source: string,
  key: string,
  { record = { key }, jobId = randomUUID() }: JobOf & { record?: UpstreamRecord } = {},
): FreshetEvent {
  return { ...eventEnvelope(tenant, source), type: 'content.created', data: { key, hash: `h-${key}`, record, jobId } };
}

export function contentUpdated(tenant: string, source: string, key: string, record: UpstreamRecord, { jobId = randomUUID() }: JobOf = {}): FreshetEvent {
  return { ...eventEnvelope(tenant, source), type: 'content.updated', data: { key, hash: `h-${randomUUID()}`, previousHash: 'h-old', record, jobId } };
}

export function contentDeleted(tenant: string, source: string, key: string, { jobId = randomUUID() }: JobOf = {}): FreshetEvent {
  return { ...eventEnvelope(tenant, source), type: 'content.deleted', data: { key, previousHash: 'h-old', jobId } };
}

/** A sync's end: `time` is when the source was last synced, as the cache reports it. */
export function jobCompleted(tenant: string, source: string, { jobId = randomUUID(), time = new Date().toISOString() }: JobOf & { time?: string } = {}): FreshetEvent {
  return {
    ...eventEnvelope(tenant, source, time),
    type: 'job.completed',
    data: {
      jobId,
      attempt: 1,
      notes: [],
      stats: { pages: 1, requests: 1, notModified: 0, created: 0, updated: 0, deleted: 0, unchanged: 0, skipped: 0, savedRequests: 0, durationMs: 5 },
    },
  };
}
