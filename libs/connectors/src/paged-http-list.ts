// The foundation connector: pages through a list endpoint (page number + total-pages
// header) and returns every record with its key and content hash. All or nothing: a
// failed or malformed page fails the whole fetch, so a partial listing can never be
// mistaken for deletions.
import type { PagedHttpListConnector } from '@freshet/contracts';
import { InvalidUpstreamPageError, UpstreamHttpError, UpstreamUnavailableError } from './connector-errors';
import { contentHash } from './content-hash';
import type { FetchedRecord } from './record-diff';

export interface FetchListResult {
  records: FetchedRecord[];
  pages: number;
  requests: number;
}

export interface FetchListOptions {
  fetch?: typeof globalThis.fetch;
  signal?: AbortSignal;
}

function pageUrl(config: PagedHttpListConnector, page: number): string {
  const url = new URL(config.path, config.baseUrl);
  url.searchParams.set(config.pageParam, String(page));
  return url.toString();
}

function parseRetryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function recordsFromPage(
  config: PagedHttpListConnector,
  body: unknown,
  url: string,
  page: number,
): FetchedRecord[] {
  if (!Array.isArray(body)) throw new InvalidUpstreamPageError(url, page, 'expected a JSON array of records');
  return body.map((item: unknown, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new InvalidUpstreamPageError(url, page, `item ${index} is not an object`);
    }
    const record = item as Record<string, unknown>;
    const key = record[config.primaryKey];
    if ((typeof key !== 'string' || key === '') && (typeof key !== 'number' || !Number.isFinite(key))) {
      throw new InvalidUpstreamPageError(url, page, `item ${index} has no usable primary key "${config.primaryKey}"`);
    }
    return { key: String(key), hash: contentHash(record), record };
  });
}

export async function fetchPagedList(config: PagedHttpListConnector, options: FetchListOptions = {}): Promise<FetchListResult> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const records: FetchedRecord[] = [];
  let totalPages: number | undefined;
  let page = 1;
  let requests = 0;

  for (;;) {
    const url = pageUrl(config, page);
    let response: Response;
    try {
      requests += 1;
      const signals = [AbortSignal.timeout(config.timeoutMs), ...(options.signal ? [options.signal] : [])];
      response = await doFetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.any(signals) });
    } catch (error) {
      throw new UpstreamUnavailableError(url, error);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new UpstreamHttpError(response.status, url, parseRetryAfter(response.headers.get('retry-after')));
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch (error) {
      throw new InvalidUpstreamPageError(url, page, `body is not JSON (${(error as Error).message})`);
    }
    const pageRecords = recordsFromPage(config, body, url, page);
    records.push(...pageRecords);

    if (totalPages === undefined) {
      const header = response.headers.get(config.totalPagesHeader);
      if (header !== null) {
        const parsed = Number(header);
        if (!Number.isInteger(parsed) || parsed < 0) {
          throw new InvalidUpstreamPageError(url, page, `header ${config.totalPagesHeader}=${JSON.stringify(header)} is not a page count`);
        }
        totalPages = parsed;
      }
    }
    if (totalPages !== undefined && totalPages > config.maxPages) {
      throw new InvalidUpstreamPageError(url, page, `upstream reports ${totalPages} pages, more than maxPages ${config.maxPages}`);
    }
    // Without a page-count header, an empty page marks the end.
    const done = totalPages !== undefined ? page >= totalPages : pageRecords.length === 0;
    if (done) return { records, pages: page, requests };
    page += 1;
    if (page > config.maxPages) {
      throw new InvalidUpstreamPageError(url, page, `more than maxPages ${config.maxPages} pages`);
    }
  }
}
