// The HTTP sync engine: pages through an upstream under its incremental strategy and
// yields one batch per page, so the caller commits page by page and memory stays flat
// whatever the size of the source. The final `end` batch says whether the listing was
// complete (only then may missing keys be treated as deletions) and which cursor to keep.
import type { HttpConnector } from '@freshet/contracts';
import { InvalidUpstreamPageError } from '../connector-errors';
import type { FetchedRecord } from '../record-diff';
import { extractRecords } from './extract-records';
import { firstPage, InvalidPagingHeaderError, nextPage, type PageRequest } from './pagination';
import { redactUrl, requestPage, type PageAnswer } from './request-page';
import type { SecretSources } from './secrets';
import { takeUntilSeen } from './stop-at-id';
import type { SyncCursor } from './sync-cursor';
import { maxUpdated } from './updated-since';
import { openGate, type UpstreamGate } from './upstream-gate';

export type HttpSyncBatch =
  | {
      kind: 'records';
      page: number;
      records: FetchedRecord[];
      skipped: number;
      /** A cursor that is safe to store in the same transaction as these records. */
      cursor?: SyncCursor;
    }
  | {
      kind: 'end';
      /** Every record the upstream holds was listed: missing keys are deletions. */
      listingComplete: boolean;
      notModified: boolean;
      cursor: SyncCursor;
      notes: string[];
    };

export interface HttpSyncStats {
  requests: number;
  pages: number;
  notModified: number;
  skipped: number;
  /** Requests a full listing would have made and this sync did not. */
  savedRequests: number;
}

export interface HttpSyncOptions {
  fetch?: typeof globalThis.fetch;
  gate?: UpstreamGate;
  secrets?: SecretSources;
  signal?: AbortSignal;
  /** Counters the engine updates as it goes, readable even when the sync fails. */
  stats?: HttpSyncStats;
  /** Ask for a full listing whatever the cursor says (a manual "full" refresh). */
  forceFull?: boolean;
  now?: () => number;
}

function expiresFrom(headers: Headers): string | undefined {
  const header = headers.get('expires');
  const at = header === null ? Number.NaN : Date.parse(header);
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

function pageCountOf(config: HttpConnector, headers: Headers): number | undefined {
  if (config.pagination.type !== 'pageNumber' || !config.pagination.totalPagesHeader) return undefined;
  const header = headers.get(config.pagination.totalPagesHeader);
  const total = header === null || header.trim() === '' ? Number.NaN : Number(header);
  return Number.isInteger(total) && total >= 0 ? total : undefined;
}

export function emptySyncStats(): HttpSyncStats {
  return { requests: 0, pages: 0, notModified: 0, skipped: 0, savedRequests: 0 };
}

export async function* httpSync(config: HttpConnector, cursorIn: SyncCursor, options: HttpSyncOptions = {}): AsyncGenerator<HttpSyncBatch> {
  const stats = options.stats ?? emptySyncStats();
  const strategy = config.incremental;
  const cursor: SyncCursor = options.forceFull ? {} : { ...cursorIn };
  const notes: string[] = options.forceFull ? ['full sync requested'] : [];
  const conditionalFirstPage = (strategy.strategy === 'etag' || strategy.strategy === 'stopAtId') && cursor.etag !== undefined;
  const strategyParams: Record<string, string> =
    strategy.strategy === 'updatedSince' && cursor.since !== undefined ? { [strategy.param]: cursor.since } : {};

  let request: PageRequest | undefined = firstPage(config.pagination);
  request = { ...request, params: { ...strategyParams, ...request.params } };
  let firstEtag: string | undefined;
  let newestKey: string | undefined;
  let since = cursor.since;
  let stoppedAtSeenId = false;
  let totalPages = cursor.totalPages;

  const fetchPage = (page: PageRequest): Promise<PageAnswer> => {
    if (page.index > config.maxPages) {
      return Promise.reject(new InvalidUpstreamPageError(redactUrl(config, config.baseUrl + config.path), page.index, `more than maxPages ${config.maxPages} pages`));
    }
    stats.requests += 1;
    const answer = requestPage(config, {
      params: page.params,
      url: page.url,
      ifNoneMatch: page.index === 1 && conditionalFirstPage ? cursor.etag : undefined,
      pageIndex: page.index,
      fetch: options.fetch ?? globalThis.fetch,
      gate: options.gate ?? openGate,
      secrets: options.secrets ?? {},
      signal: options.signal,
    });
    // Awaited in the next round; a prefetch nobody needs any more must not crash the process.
    answer.catch(() => undefined);
    return answer;
  };

  const now = options.now ?? Date.now;
  if (config.respectExpires && cursor.expiresAt !== undefined && Date.parse(cursor.expiresAt) > now()) {
    stats.savedRequests += Math.max(1, cursor.totalPages ?? 1);
    yield { kind: 'end', listingComplete: false, notModified: true, cursor, notes: [...notes, `upstream data is cached until ${cursor.expiresAt}; no request sent`] };
    return;
  }
  let expiresAt: string | undefined;

  let pending: Promise<PageAnswer> | undefined = fetchPage(request);
  while (request && pending) {
    const answer = await pending;
    if (answer.status === 304) {
      stats.notModified += 1;
      stats.savedRequests += Math.max(0, (cursor.totalPages ?? 1) - 1);
      const refreshed = config.respectExpires ? { ...cursor, expiresAt: expiresFrom(answer.headers) } : cursor;
      yield { kind: 'end', listingComplete: false, notModified: true, cursor: refreshed, notes: [...notes, 'page 1 not modified (ETag)'] };
      return;
    }
    stats.pages += 1;
    if (request.index === 1) {
      firstEtag = answer.headers.get('etag') ?? undefined;
      expiresAt = config.respectExpires ? expiresFrom(answer.headers) : undefined;
      totalPages = pageCountOf(config, answer.headers) ?? totalPages;
    }
    const extracted = extractRecords(config, answer.body, redactUrl(config, answer.url), request.index);
    stats.skipped += extracted.skipped;
    let records = extracted.records;

    if (strategy.strategy === 'stopAtId') {
      if (request.index === 1) newestKey = records[0]?.key;
      const { kept, found } = takeUntilSeen(records, cursor.lastSeenId);
      records = kept;
      stoppedAtSeenId = found;
    }
    if (strategy.strategy === 'updatedSince') since = maxUpdated(records, strategy.field, since);
    // Only an incremental run lists oldest change first; a first run (no since) may come
    // newest first, so its cursor is stored at the end, never with a page.
    const batchCursor = strategy.strategy === 'updatedSince' && cursor.since !== undefined ? { ...cursor, since } : undefined;

    const current: PageRequest = request;
    let next: PageRequest | undefined;
    if (!stoppedAtSeenId) {
      try {
        next = nextPage(config.pagination, current, {
          url: answer.url,
          headers: answer.headers,
          body: answer.body,
          recordCount: extracted.records.length + extracted.skipped,
        });
      } catch (error) {
        if (error instanceof InvalidPagingHeaderError) throw new InvalidUpstreamPageError(redactUrl(config, answer.url), current.index, error.message);
        throw error;
      }
    }
    // The next page is on its way while the caller commits this one.
    const nextPending = next ? fetchPage(next) : undefined;
    if (records.length > 0 || extracted.skipped > 0) {
      yield { kind: 'records', page: current.index, records, skipped: extracted.skipped, cursor: batchCursor };
    }
    if (stoppedAtSeenId) {
      stats.savedRequests += Math.max(0, (totalPages ?? current.index) - current.index);
      break;
    }
    request = next;
    pending = nextPending;
  }

  // A skipped record has no usable key, so a missing key may just be a skipped record:
  // deletions are only inferred from listings where every record was keyed.
  const allKeyed = stats.skipped === 0;
  if (!allKeyed) notes.push(`${stats.skipped} invalid record(s) skipped; deletions not inferred from this listing`);
  switch (strategy.strategy) {
    case 'full':
      yield { kind: 'end', listingComplete: allKeyed, notModified: false, cursor: {}, notes };
      return;
    case 'etag':
      yield { kind: 'end', listingComplete: allKeyed, notModified: false, cursor: { etag: firstEtag, totalPages: stats.pages, expiresAt }, notes };
      return;
    case 'stopAtId': {
      const fellBack = !stoppedAtSeenId && cursor.lastSeenId !== undefined;
      if (fellBack) notes.push(`last synced id ${cursor.lastSeenId} not found upstream; fell back to a full sync`);
      yield {
        kind: 'end',
        // Without a match every page was read: a full listing.
        listingComplete: !stoppedAtSeenId && allKeyed,
        notModified: false,
        cursor: { lastSeenId: newestKey ?? cursor.lastSeenId, etag: firstEtag, totalPages: stoppedAtSeenId ? totalPages : stats.pages, expiresAt },
        notes,
      };
      return;
    }
    case 'updatedSince':
      yield { kind: 'end', listingComplete: cursor.since === undefined && allKeyed, notModified: false, cursor: { since }, notes };
      return;
    default: {
      const never: never = strategy;
      throw new Error(`unhandled strategy ${JSON.stringify(never)}`);
    }
  }
}
