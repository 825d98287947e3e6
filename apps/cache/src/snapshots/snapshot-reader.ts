// Answers a snapshot read: one page of a source's records with the stream position it
// reflects, where it came from and how fresh it is.
//
// From the cache (Redis), when the source's view is complete in the current generation:
// paging walks the view's key index in byte order with ZRANGEBYLEX (HSCAN may return a
// key twice). A walk is pinned to the sequence of its first page (carried in the cursor),
// and later pages leave out records written after it: their newest state reaches the
// client through the stream it resumes after `meta.seq`. So the pages plus the stream
// after `seq` give exactly the current view, nothing missed or doubled.
//
// From the database (through ingest), when Redis does not answer, or the view is cold
// (flushed, cleared, corrupt: it is rebuilt in the background meanwhile, never served half
// built). `seq` is then the stream's position read before the first page: resuming after
// it misses nothing, and may repeat a change the pages already show (harmless: content
// events carry whole records).
//
// Filters (prefix, updatedSince) apply within a page, so a page may hold fewer than
// `limit` records, even none, and still have a `next`.
import type { Meter } from '@opentelemetry/api';
import type { Redis } from 'ioredis';
import { recordSchema, type FreshnessState, type ServedFrom, type SnapshotPage, type SnapshotRequest, type SourceInfo, type UpstreamRecord } from '@freshet/contracts';
import { HttpProblem, type Logger } from '@freshet/telemetry';
import { markViewCorrupt, readProjectionPage, readViewMeta, type RawPage, type ViewMeta } from '../projection/projection-store';
import { readGeneration, type Generation, type GenerationTracker } from '../projection/generation';
import type { Revalidator } from '../revalidation/revalidator';
import type { ViewRebuilder } from '../rebuild/view-rebuilder';
import { decodeCursor, encodeCursor, type SnapshotCursor } from './cursor';
import { DatabaseUnavailableError, type DatabaseRecords } from './database-records';
import { freshnessOf } from './freshness';
import { isUpdatedAfter } from './record-filters';
import { encodeRecords, encodeSnapshotPageWith, looksLikeJsonObject, type EncodedRecord } from './encode-page';
import { createPageMemo, pageMemoKey } from './page-memo';
import type { SourceDirectory } from './source-directory';

export interface SnapshotReadOptions {
  /** A user waits for this read (the default): a revalidation it starts asks for priority 10. */
  userWaiting?: boolean;
}

export interface SnapshotReader {
  /** The page as JSON bytes, ready to send (the fast path: records go out as stored); `head` is written first inside the object, e.g. `"ok":true,`. */
  readEncoded(request: SnapshotRequest, options?: SnapshotReadOptions, head?: string): Promise<Buffer>;
  /** The page as an object (tests, in-process callers). */
  read(request: SnapshotRequest, options?: SnapshotReadOptions): Promise<SnapshotPage>;
}

export interface SnapshotReaderOptions {
  redis: Redis;
  directory: SourceDirectory;
  logger: Logger;
  meter: Meter;
  /** Epoch of the events stream this cache projects. */
  epoch: string;
  generation: GenerationTracker;
  database: DatabaseRecords;
  rebuilder: ViewRebuilder;
  /** The events stream's last sequence now: the position a database read is taken at. */
  streamLastSeq: () => Promise<number>;
  /** Stale-while-revalidate: without it, stale data is reported `stale` and nothing more. */
  revalidator?: Revalidator;
  /** Told of every answered read: a hit when served from a view that was synced or holds records (metrics). */
  onRead?: (tenant: string, read: { hit: boolean; servedFrom: ServedFrom }) => void;
  /** Told of every answered read with the source's definition and where it came from (the view expiry: a read keeps the view). */
  onServed?: (tenant: string, source: string, info: SourceInfo, servedFrom: ServedFrom) => void;
  /**
   * A stream sequence up to which the projection has applied every event (its consumer's
   * ack floor, read before now): a lower bound, never ahead of the views. 0 when unknown.
   */
  appliedFloor?: () => number;
  /** Memory for encoded pages of unchanged views (0 turns it off). */
  pageMemoBytes?: number;
  now?: () => number;
}

/** A page as served, before freshness. */
interface ServedPage {
  /** The page's records, encoded (`[…]`). */
  recordsJson: Buffer;
  seq: number;
  lastSyncedAt: string | null;
  count: number;
  next: SnapshotCursor | undefined;
  servedFrom: ServedFrom;
  hit: boolean;
}

type CacheAttempt = { kind: 'served'; page: ServedPage } | { kind: 'cold' } | { kind: 'unavailable'; error: unknown };

function parseRecord(json: Buffer): UpstreamRecord | undefined {
  try {
    const parsed = recordSchema.safeParse(JSON.parse(json.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function createSnapshotReader(options: SnapshotReaderOptions): SnapshotReader {
  const { redis, directory, logger, epoch, generation, database, rebuilder, streamLastSeq, revalidator, onRead, now = Date.now } = options;
  const appliedFloor = options.appliedFloor ?? (() => 0);
  const memo = createPageMemo(options.pageMemoBytes ?? 64 * 1024 * 1024);
  const corruptEntries = options.meter.createCounter('freshet_cache_corrupt_entries_total', {
    description: 'Unreadable records found in a view (the view is rebuilt)',
  });
  corruptEntries.add(0); // from 0: a first corrupt entry shows as an increase

  /** Partial in the current generation (see generation.ts): never served, rebuilt instead. */
  const isCold = (meta: ViewMeta, current: Generation): boolean => {
    // No meta at all: no event of the source applied yet. In a generation that trusts new
    // views that is exact — an empty view at seq 0, the stream holds every event after it.
    const untouched = meta.generation === '' && meta.seq === 0 && meta.count === 0;
    return meta.generation !== current.id && !(untouched && current.trustNew);
  };
  const checkCursor = (cursor: SnapshotCursor | undefined, meta: ViewMeta): void => {
    // A view that was reset (cleared, expired, corrupt, regenerated) is rebuilt into a new
    // incarnation. A walk's seq may be above the view's own: see `appliedFloor`.
    if (cursor && cursor.incarnation !== meta.incarnation) {
      throw new HttpProblem(409, 'SNAPSHOT_RESET', 'the view this cursor walks was rebuilt since its first page; read the snapshot again from the start');
    }
  };
  const served = (meta: ViewMeta, asOf: number, recordsJson: Buffer, lastKey: string | undefined): CacheAttempt => ({
    kind: 'served',
    page: {
      recordsJson,
      seq: asOf,
      lastSyncedAt: meta.lastSyncedAt,
      count: meta.count,
      next: lastKey === undefined ? undefined : { seq: asOf, epoch, after: lastKey, origin: 'cache', incarnation: meta.incarnation },
      servedFrom: 'cache',
      hit: meta.lastSyncedAt !== null || meta.count > 0,
    },
  });

  const fromCache = async (request: SnapshotRequest, cursor: SnapshotCursor | undefined, sinceMs: number | undefined): Promise<CacheAttempt> => {
    const { tenant, source, limit, prefix, updatedField } = request;
    const after = cursor?.after;
    // Taken before the view is read: every event up to it is in every view, so the view as
    // read reflects the stream up to max(its own seq, floor). A quiet source's snapshot then
    // resumes near the stream's head, not at its last event long ago (which a gateway could
    // no longer replay to).
    const floor = appliedFloor();
    let current: Generation | undefined;
    let head: ViewMeta;
    try {
      [current, head] = await Promise.all([readGeneration(redis), readViewMeta(redis, tenant, source)]);
      // Gone (a flushed Redis) or of another stream: a new generation makes every view cold.
      if (!current || current.epoch !== epoch) current = await generation.refresh();
    } catch (error) {
      return { kind: 'unavailable', error };
    }
    if (isCold(head, current)) {
      rebuilder.request(tenant, source, current.id);
      return { kind: 'cold' };
    }
    checkCursor(cursor, head);
    // Pages of an unchanged view are the same bytes: served from memory after one meta read.
    const memoable = sinceMs === undefined;
    // Records above the view's seq cannot exist, so positions beyond it share one page.
    const keyFor = (meta: ViewMeta, asOf: number) =>
      pageMemoKey({ tenant, source, generation: meta.generation, incarnation: meta.incarnation, seq: meta.seq, asOf: Math.min(asOf, meta.seq), after, prefix, limit });
    if (memoable) {
      const asOf = cursor?.seq ?? Math.max(head.seq, floor);
      const hit = memo.get(keyFor(head, asOf));
      if (hit) return served(head, asOf, hit.recordsJson, hit.lastKey);
    }
    let raw: RawPage;
    try {
      raw = await readProjectionPage(redis, tenant, source, { after, prefix, limit });
    } catch (error) {
      return { kind: 'unavailable', error };
    }
    // The page's own meta decides (the view may have moved since the head was read).
    if (isCold(raw.meta, current)) {
      rebuilder.request(tenant, source, current.id);
      return { kind: 'cold' };
    }
    checkCursor(cursor, raw.meta);
    const asOf = cursor?.seq ?? Math.max(raw.meta.seq, floor);
    const records: EncodedRecord[] = [];
    let corrupt = 0;
    for (const entry of raw.entries) {
      if (entry.version > asOf) continue; // written after the walk's position: the stream carries it
      if (entry.json === null || !looksLikeJsonObject(entry.json)) {
        corrupt += 1;
        continue;
      }
      // Only a filter on a record field needs the record itself; otherwise its bytes go out as stored.
      if (sinceMs !== undefined) {
        const record = parseRecord(entry.json);
        if (record === undefined) {
          corrupt += 1;
          continue;
        }
        if (!isUpdatedAfter(record, updatedField, sinceMs)) continue;
      }
      records.push({ key: entry.key, json: entry.json });
    }
    if (corrupt > 0) {
      // Damaged in Redis (by hand, a bad restore, a bug): never serve the rest as whole.
      corruptEntries.add(corrupt, { tenant });
      logger.warn({ tenant, source, corrupt }, 'unreadable records in the view; rebuilding it from the database');
      await markViewCorrupt(redis, tenant, source, current.id).catch((error: unknown) => logger.warn({ err: error, tenant, source }, 'could not mark the view corrupt'));
      rebuilder.request(tenant, source, current.id);
      return { kind: 'cold' };
    }
    const recordsJson = encodeRecords(records);
    if (memoable) memo.set(keyFor(raw.meta, asOf), { recordsJson, lastKey: raw.lastKey });
    return served(raw.meta, asOf, recordsJson, raw.lastKey);
  };

  const fromDatabase = async (request: SnapshotRequest, cursor: SnapshotCursor | undefined, sinceMs: number | undefined): Promise<ServedPage> => {
    const { tenant, source, limit, prefix, updatedField } = request;
    // The position first: every event up to it is in what the database answers after.
    const seq = cursor?.seq ?? (await streamLastSeq());
    const page = await database.page(tenant, source, { after: cursor?.after, prefix, limit });
    const kept = sinceMs === undefined ? page.records : page.records.filter(({ record }) => isUpdatedAfter(record, updatedField, sinceMs));
    return {
      recordsJson: Buffer.from(JSON.stringify(kept)),
      seq,
      lastSyncedAt: page.lastSyncedAt,
      count: page.count,
      next: page.next === undefined ? undefined : { seq, epoch, after: page.next, origin: 'database', incarnation: '' },
      servedFrom: 'database',
      hit: false,
    };
  };

  const unavailable = (message: string, cause: unknown) => new HttpProblem(503, 'SNAPSHOT_UNAVAILABLE', message, undefined, { cause });

  const readEncoded = async (request: SnapshotRequest, readOptions: SnapshotReadOptions = {}, head = ''): Promise<Buffer> => {
    {
      const { tenant, source, updatedSince } = request;
      const cursor = request.cursor === undefined ? undefined : decodeCursor(request.cursor);
      if (cursor && cursor.epoch !== epoch) {
        throw new HttpProblem(409, 'SNAPSHOT_RESET', 'the events stream was recreated since the first page of this walk; read the snapshot again from the start');
      }
      const info = await directory.get(tenant, source);
      const sinceMs = updatedSince === undefined ? undefined : Date.parse(updatedSince);
      const attempt: CacheAttempt = cursor?.origin === 'database' ? { kind: 'cold' } : await fromCache(request, cursor, sinceMs);
      let page: ServedPage;
      if (attempt.kind === 'served') page = attempt.page;
      else {
        if (attempt.kind === 'unavailable') logger.warn({ err: attempt.error, tenant, source }, 'cache store (Redis) did not answer; reading from the database');
        try {
          page = await fromDatabase(request, cursor, sinceMs);
        } catch (error) {
          if (!(error instanceof DatabaseUnavailableError)) throw error;
          throw attempt.kind === 'unavailable'
            ? unavailable('neither the cache (Redis) nor the database (ingest) answered; try again shortly', error)
            : unavailable('the cached view is being rebuilt and the database (ingest) did not answer; try again shortly', error);
        }
      }
      const freshness = freshnessOf(page.lastSyncedAt, info.staleAfterMs, now());
      // Stale data is served at once; the revalidation it starts runs in the background.
      const state: FreshnessState =
        freshness.state === 'stale' && revalidator
          ? await revalidator.onStaleRead(tenant, source, { userWaiting: readOptions.userWaiting ?? true })
          : freshness.state;
      onRead?.(tenant, { hit: page.hit, servedFrom: page.servedFrom });
      options.onServed?.(tenant, source, info, page.servedFrom);
      return encodeSnapshotPageWith(
        page.recordsJson,
        {
          ...(page.next === undefined ? {} : { next: encodeCursor(page.next) }),
          meta: {
            seq: page.seq,
            epoch,
            lastSyncedAt: page.lastSyncedAt,
            ageMs: freshness.ageMs,
            staleAfterMs: info.staleAfterMs,
            state,
            servedFrom: page.servedFrom,
            count: page.count,
          },
        },
        head,
      );
    }
  };

  return {
    readEncoded,
    async read(request, readOptions) {
      return JSON.parse((await readEncoded(request, readOptions)).toString('utf8')) as SnapshotPage;
    },
  };
}
