// Builders of valid Freshet events and snapshot pages for the client's unit tests.
import type { FreshetEvent, SnapshotMeta, SourceStatusData } from '@freshet/contracts';

export const TENANT = 'acme';
export const EPOCH = 'ep1';

const uuid = () => globalThis.crypto.randomUUID();
const envelope = (source: string) => ({ id: uuid(), tenant: TENANT, source, time: '2026-01-02T03:04:05.000Z' });

export function contentUpserted(source: string, key: string, record: Record<string, unknown>, type: 'content.created' | 'content.updated' = 'content.updated'): FreshetEvent {
  const data = type === 'content.created' ? { key, hash: `h-${key}`, record, jobId: uuid() } : { key, hash: `h-${key}`, previousHash: 'h0', record, jobId: uuid() };
  return { ...envelope(source), type, data } as FreshetEvent;
}

export function contentDeleted(source: string, key: string): FreshetEvent {
  return { ...envelope(source), type: 'content.deleted', data: { key, previousHash: 'h0', jobId: uuid() } };
}

export function sourceStatus(source: string, data: SourceStatusData): FreshetEvent {
  return { ...envelope(source), type: 'source.status', data };
}

export function jobCompleted(source: string, jobId: string, time = '2026-01-02T03:05:00.000Z'): FreshetEvent {
  const stats = { pages: 1, requests: 1, notModified: 0, created: 0, updated: 1, deleted: 0, unchanged: 0, skipped: 0, savedRequests: 0, durationMs: 5 };
  return { ...envelope(source), time, type: 'job.completed', data: { jobId, attempt: 1, stats, notes: [] } };
}

export function jobDead(source: string, jobId: string): FreshetEvent {
  return { ...envelope(source), type: 'job.dead', data: { jobId, attempts: 3, error: { code: 'UPSTREAM_HTTP_ERROR', message: '500', retryable: true } } };
}

export function cacheWritten(source: string, seq: number, count: number): FreshetEvent {
  return { ...envelope(source), type: 'cache.written', data: { seq, count } };
}

export function snapshotMeta(seq: number, overrides: Partial<SnapshotMeta> = {}): SnapshotMeta {
  return {
    seq,
    epoch: EPOCH,
    lastSyncedAt: '2026-01-02T03:00:00.000Z',
    ageMs: 1000,
    staleAfterMs: 3_600_000,
    state: 'fresh',
    servedFrom: 'cache',
    count: 0,
    ...overrides,
  };
}

export function newJobId(): string {
  return uuid();
}
