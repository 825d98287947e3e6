// Pure paging decisions: the first request's parameters, and from a response, the next
// request or the end of the list — for page-number, cursor, Link-header and offset APIs.
import type { Pagination } from '@freshet/contracts';
import { readPath } from './json-path';
import { nextLinkFrom } from './link-header';

export interface PageRequest {
  /** 1-based count of requests in this listing (for maxPages and messages). */
  index: number;
  /** Query parameters the paging style adds to the base URL. */
  params: Record<string, string>;
  /** A full URL to follow instead (Link headers). */
  url?: string;
}

export interface PageResponse {
  url: string;
  headers: Headers;
  body: unknown;
  recordCount: number;
}

export function firstPage(pagination: Pagination): PageRequest {
  switch (pagination.type) {
    case 'pageNumber':
      return {
        index: 1,
        params: {
          [pagination.pageParam]: String(pagination.startPage),
          ...(pagination.pageSizeParam && pagination.pageSize ? { [pagination.pageSizeParam]: String(pagination.pageSize) } : {}),
        },
      };
    case 'cursor':
      return { index: 1, params: pagination.limitParam && pagination.limit ? { [pagination.limitParam]: String(pagination.limit) } : {} };
    case 'link':
      return { index: 1, params: {} };
    case 'offset':
      return { index: 1, params: { [pagination.offsetParam]: '0', [pagination.limitParam]: String(pagination.limit) } };
    default:
      return assertNever(pagination);
  }
}

export class InvalidPagingHeaderError extends Error {}

export function nextPage(pagination: Pagination, current: PageRequest, response: PageResponse): PageRequest | undefined {
  switch (pagination.type) {
    case 'pageNumber': {
      const header = pagination.totalPagesHeader ? response.headers.get(pagination.totalPagesHeader) : null;
      if (header !== null) {
        const total = Number(header);
        // '' would read as 0 and silently end the listing after page 1.
        if (header.trim() === '' || !Number.isInteger(total) || total < 0) {
          throw new InvalidPagingHeaderError(`header ${pagination.totalPagesHeader}=${JSON.stringify(header)} is not a page count`);
        }
        if (current.index >= total) return undefined;
      } else if (response.recordCount === 0) {
        return undefined;
      }
      const page = pagination.startPage + current.index;
      return { index: current.index + 1, params: { ...current.params, [pagination.pageParam]: String(page) } };
    }
    case 'cursor': {
      const next = readPath(response.body, pagination.nextCursorPath);
      if (next === null || next === undefined || next === '' || response.recordCount === 0) return undefined;
      return { index: current.index + 1, params: { ...current.params, [pagination.cursorParam]: String(next) } };
    }
    case 'link': {
      const url = nextLinkFrom(response.headers.get('link'), response.url);
      return url ? { index: current.index + 1, params: {}, url } : undefined;
    }
    case 'offset': {
      const offset = Number(current.params[pagination.offsetParam] ?? 0) + pagination.limit;
      const total = pagination.totalPath ? Number(readPath(response.body, pagination.totalPath)) : undefined;
      if (response.recordCount < pagination.limit) return undefined;
      if (total !== undefined && Number.isFinite(total) && offset >= total) return undefined;
      return { index: current.index + 1, params: { ...current.params, [pagination.offsetParam]: String(offset) } };
    }
    default:
      return assertNever(pagination);
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled pagination ${JSON.stringify(value)}`);
}
