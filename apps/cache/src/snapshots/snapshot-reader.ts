// Answers a snapshot read: one page of a source's view with the stream sequence it
// reflects and its freshness.
//
// Paging walks the source's key index (a sorted set) in byte order with ZRANGEBYLEX, not
// HSCAN: HSCAN may return a key twice and its cursor says nothing about position. A walk
// is pinned to the sequence of its first page (carried in the cursor), and every later
// page leaves out records written after that sequence: their newest state reaches the
// client through the stream it resumes after `meta.seq`. So first page + later pages +
// the stream after `seq` give exactly the current view, nothing missed or doubled.
// Filters (prefix, updatedSince) apply within a page, so a page may hold fewer than
// `limit` records, even none, and still have a `next`.
import type { Redis } from 'ioredis';
import { recordSchema, type FreshnessState, type ServedFrom, type SnapshotPage, type SnapshotRequest, type UpstreamRecord } from '@freshet/contracts';
import { HttpProblem, type Logger } from '@freshet/telemetry';
import { readProjectionPage, type RawPage } from '../projection/projection-store';
import { decodeCursor, encodeCursor } from './cursor';
import { freshnessOf } from './freshness';
import { isUpdatedAfter } from './record-filters';
import type { SourceDirectory } from './source-directory';
import type { Revalidator } from '../revalidation/revalidator';

export interface SnapshotReadOptions {
  /** A user waits for this read (the default): a revalidation it starts asks for priority 10. */
  userWaiting?: boolean;
}

export interface SnapshotReader {
  read(request: SnapshotRequest, options?: SnapshotReadOptions): Promise<SnapshotPage>;
}

export interface SnapshotReaderOptions {
  redis: Redis;
  directory: SourceDirectory;
  logger: Logger;
  /** Stale-while-revalidate: without it, stale data is reported `stale` and nothing more. */
  revalidator?: Revalidator;
  /** Told of every answered read: a hit when the view was synced or holds records (metrics). */
  onRead?: (tenant: string, read: { hit: boolean; servedFrom: ServedFrom }) => void;
  now?: () => number;
}

function parseRecord(json: string): UpstreamRecord | undefined {
  try {
    const parsed = recordSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function createSnapshotReader(options: SnapshotReaderOptions): SnapshotReader {
  const { redis, directory, logger, revalidator, onRead, now = Date.now } = options;
  return {
    async read(request, readOptions = {}) {
      const { tenant, source, limit, prefix, updatedSince, updatedField } = request;
      const cursor = request.cursor === undefined ? undefined : decodeCursor(request.cursor);
      const info = await directory.get(tenant, source);
      let raw: RawPage;
      try {
        raw = await readProjectionPage(redis, tenant, source, { after: cursor?.after, prefix, limit });
      } catch (error) {
        throw new HttpProblem(503, 'CACHE_UNAVAILABLE', 'the cache store (Redis) did not answer; try again shortly', undefined, { cause: error });
      }
      if (cursor && cursor.seq > raw.meta.seq) {
        throw new HttpProblem(409, 'SNAPSHOT_RESET', 'the view this cursor walks was reset since its first page; read the snapshot again from the start');
      }
      const asOf = cursor?.seq ?? raw.meta.seq;
      const sinceMs = updatedSince === undefined ? undefined : Date.parse(updatedSince);
      const records: SnapshotPage['records'] = [];
      let corrupt = 0;
      for (const entry of raw.entries) {
        if (entry.version > asOf) continue; // written after the walk's position: the stream carries it
        const record = entry.json === null ? undefined : parseRecord(entry.json);
        if (record === undefined) {
          corrupt += 1;
          continue;
        }
        if (sinceMs !== undefined && !isUpdatedAfter(record, updatedField, sinceMs)) continue;
        records.push({ key: entry.key, record });
      }
      if (corrupt > 0) logger.warn({ tenant, source, corrupt }, 'left out unreadable records of the view');
      const freshness = freshnessOf(raw.meta.lastSyncedAt, info.staleAfterMs, now());
      // Stale data is served at once; the revalidation it starts runs in the background.
      const state: FreshnessState =
        freshness.state === 'stale' && revalidator
          ? await revalidator.onStaleRead(tenant, source, { userWaiting: readOptions.userWaiting ?? true })
          : freshness.state;
      const { ageMs } = freshness;
      onRead?.(tenant, { hit: raw.meta.lastSyncedAt !== null || raw.meta.count > 0, servedFrom: 'cache' });
      return {
        records,
        ...(raw.lastKey === undefined ? {} : { next: encodeCursor({ seq: asOf, after: raw.lastKey }) }),
        meta: {
          seq: asOf,
          lastSyncedAt: raw.meta.lastSyncedAt,
          ageMs,
          staleAfterMs: info.staleAfterMs,
          state,
          servedFrom: 'cache',
          count: raw.meta.count,
        },
      };
    },
  };
}
