// A real HTTP list API on loopback for the sync engine's integration tests (node:http on
// port 0, no fetch mock). It serves a mutable list of items, newest first, four ways:
//
//   GET /items?page=&page_size=        page numbers, X-Pages, ETag/If-None-Match/304,
//                                      `updated_since` → only items updated after it,
//                                      ascending updatedAt; `page_base=0` for 0-based
//                                      pages, `no_total=1` to leave X-Pages out
//   GET /cursor-items?cursor=&limit=   { data: [...], meta: { next: <cursor> | null } }
//   GET /link-items?page=&per_page=    body is the array; RFC 8288 Link with relative URLs
//   GET /offset-items?offset=&limit=   { results: [...], total }
//
// Any path prefix is accepted (`/api/items` is `items`), so tests can see which path was
// asked. Every request is recorded (route, path, query, headers, status); faults can be
// queued per route and page; auth can be required on every route.
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ListItem {
  id: number;
  name: string;
  updatedAt: string;
  [field: string]: unknown;
}

export type ListRoute = 'items' | 'cursor-items' | 'link-items' | 'offset-items';

export interface SeenRequest {
  route: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** 1-based page of the listing the request asked for. */
  page: number;
  status: number;
}

export type Fault =
  /** Answer this status (and headers/body) instead of the page. */
  | { status: number; headers?: Record<string, string>; body?: string }
  /** Answer 200 with this raw body (e.g. invalid JSON). */
  | { rawBody: string }
  /** Never answer (no status line). */
  | { hang: true }
  /** Send the status line, headers and part of the body, then nothing. */
  | { stallBody: true }
  /** Serve the page with its records rewritten (shape changes, duplicates). */
  | { mapRecords: (items: ListItem[]) => unknown[] };

export interface FaultRule {
  route?: ListRoute;
  page?: number;
  /** How many matching requests get the fault (default 1; Infinity for all). */
  times?: number;
  fault: Fault;
}

export type ServerAuth = { in: 'header'; name: string; value: string } | { in: 'query'; name: string; value: string };

export interface ListServerOptions {
  items?: number;
  pageSize?: number;
  /** 'page': strong ETag of each page's body (ESI-like); 'list': one version for the whole list. */
  etag?: 'page' | 'list';
  auth?: ServerAuth;
  /** Called for every request before it is answered (e.g. to order events in a test). */
  onRequest?: (request: SeenRequest) => void;
}

export interface ListServer {
  readonly baseUrl: string;
  readonly port: number;
  /** Newest first. */
  readonly items: ListItem[];
  readonly requests: SeenRequest[];
  /** Requests to a route (or all routes) since the last reset. */
  count(route?: ListRoute): number;
  resetCounts(): void;
  /** Adds n new items at the head of the list; returns them newest first. */
  add(n: number): ListItem[];
  /** Bumps updatedAt (strictly increasing) and the name of these items; returns them in update order. */
  update(ids: number[]): ListItem[];
  remove(id: number): void;
  fault(rule: FaultRule): void;
  setAuth(auth: ServerAuth | undefined): void;
  close(): Promise<void>;
}

const T0 = Date.UTC(2025, 0, 1);

function pageOf<T>(list: readonly T[], offset: number, size: number): T[] {
  return list.slice(Math.max(0, offset), Math.max(0, offset) + size);
}

function intParam(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  return Number.isInteger(n) ? n : Number.NaN;
}

const encodeCursor = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url');
const decodeCursor = (cursor: string) => Number(Buffer.from(cursor, 'base64url').toString().slice(2));

export async function startListServer(options: ListServerOptions = {}): Promise<ListServer> {
  const defaultPageSize = options.pageSize ?? 50;
  const items: ListItem[] = [];
  const requests: SeenRequest[] = [];
  const faults: Array<FaultRule & { left: number }> = [];
  const hanging = new Set<ServerResponse>();
  let auth = options.auth;
  let clock = T0;
  let nextId = 1;
  let version = 0;

  const newItem = (): ListItem => {
    clock += 1000;
    const id = nextId++;
    return { id, name: `item ${id}`, updatedAt: new Date(clock).toISOString() };
  };
  const initial = options.items ?? 0;
  for (let i = 0; i < initial; i += 1) items.push(newItem());
  items.reverse();

  function takeFault(route: string, page: number): Fault | undefined {
    const rule = faults.find((f) => (f.route === undefined || f.route === route) && (f.page === undefined || f.page === page));
    if (!rule) return undefined;
    rule.left -= 1;
    if (rule.left <= 0) faults.splice(faults.indexOf(rule), 1);
    return rule.fault;
  }

  function authorized(req: IncomingMessage, query: URLSearchParams): boolean {
    if (!auth) return true;
    if (auth.in === 'header') return req.headers[auth.name.toLowerCase()] === auth.value;
    return query.get(auth.name) === auth.value;
  }

  interface Page {
    page: number;
    records: ListItem[];
    /** Wraps the (possibly rewritten) records into the route's body. */
    body: (records: unknown[]) => unknown;
    headers: Record<string, string>;
    etag: boolean;
  }

  function listPage(route: string, path: string, query: URLSearchParams): Page | { status: number } {
    switch (route) {
      case 'items': {
        const base = intParam(query, 'page_base', 1);
        const size = intParam(query, 'page_size', defaultPageSize);
        const page = intParam(query, 'page', base);
        if (!Number.isInteger(page) || page < base || !(size > 0)) return { status: 400 };
        const since = query.get('updated_since');
        let list: ListItem[] = items;
        if (since !== null) {
          const sinceMs = Date.parse(since);
          if (Number.isNaN(sinceMs)) return { status: 400 };
          list = items
            .filter((i) => Date.parse(i.updatedAt) > sinceMs)
            .sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt) || a.id - b.id);
        }
        const totalPages = Math.ceil(list.length / size);
        const headers: Record<string, string> = query.get('no_total') === '1' ? {} : { 'x-pages': String(totalPages) };
        return { page: page - base + 1, records: pageOf(list, (page - base) * size, size), body: (r) => r, headers, etag: true };
      }
      case 'cursor-items': {
        const size = intParam(query, 'limit', defaultPageSize);
        const cursor = query.get('cursor');
        const offset = cursor === null ? 0 : decodeCursor(cursor);
        if (!Number.isInteger(offset) || !(size > 0)) return { status: 400 };
        const next = offset + size < items.length ? encodeCursor(offset + size) : null;
        return { page: offset / size + 1, records: pageOf(items, offset, size), body: (data) => ({ data, meta: { next } }), headers: {}, etag: false };
      }
      case 'link-items': {
        const size = intParam(query, 'per_page', defaultPageSize);
        const page = intParam(query, 'page', 1);
        if (!Number.isInteger(page) || page < 1 || !(size > 0)) return { status: 400 };
        const last = Math.max(1, Math.ceil(items.length / size));
        // Relative targets, several links per header, one with a rel list.
        const link = (p: number, rel: string) => `<${path}?page=${p}&per_page=${size}>; rel="${rel}"`;
        const links = [link(1, 'first'), ...(page > 1 ? [link(page - 1, 'prev')] : []), ...(page < last ? [link(page + 1, 'next')] : []), link(last, 'last')];
        return { page, records: pageOf(items, (page - 1) * size, size), body: (r) => r, headers: { link: links.join(', ') }, etag: false };
      }
      case 'offset-items': {
        const size = intParam(query, 'limit', defaultPageSize);
        const offset = intParam(query, 'offset', 0);
        if (!Number.isInteger(offset) || offset < 0 || !(size > 0)) return { status: 400 };
        const total = items.length;
        return { page: Math.floor(offset / size) + 1, records: pageOf(items, offset, size), body: (results) => ({ results, total }), headers: {}, etag: false };
      }
      default:
        return { status: 404 };
    }
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = url.pathname.split('/').pop() ?? '';
    const seen: SeenRequest = { route, path: url.pathname, query: url.searchParams, headers: req.headers, page: 0, status: 0 };
    requests.push(seen);
    const send = (status: number, headers: Record<string, string>, body?: string) => {
      seen.status = status;
      res.writeHead(status, headers);
      res.end(body);
    };

    const listed = listPage(route, url.pathname, url.searchParams);
    seen.page = 'page' in listed ? listed.page : 0;
    options.onRequest?.(seen);
    if (!authorized(req, url.searchParams)) return send(401, { 'content-type': 'application/json' }, '{"error":"unauthorized"}');
    if (!('page' in listed)) return send(listed.status, { 'content-type': 'application/json' }, '{"error":"bad request"}');

    const fault = takeFault(route, listed.page);
    if (fault && 'hang' in fault) {
      seen.status = -1;
      hanging.add(res);
      return;
    }
    if (fault && 'stallBody' in fault) {
      seen.status = 200;
      hanging.add(res);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[{"id": 1, "na');
      return;
    }
    if (fault && 'status' in fault) return send(fault.status, { 'content-type': 'application/json', ...fault.headers }, fault.body ?? '{"error":"fault"}');
    if (fault && 'rawBody' in fault) return send(200, { 'content-type': 'application/json' }, fault.rawBody);

    const records = fault && 'mapRecords' in fault ? fault.mapRecords(listed.records) : listed.records;
    const body = JSON.stringify(listed.body(records));
    const headers: Record<string, string> = { 'content-type': 'application/json', ...listed.headers };
    if (listed.etag) {
      headers['etag'] = options.etag === 'list' ? `"list-v${version}"` : `"${createHash('sha1').update(body).digest('hex').slice(0, 20)}"`;
      const ifNoneMatch = req.headers['if-none-match'];
      if (ifNoneMatch !== undefined && ifNoneMatch.split(/\s*,\s*/).includes(headers['etag'])) return send(304, { etag: headers['etag'], ...listed.headers });
    }
    send(200, headers, body);
  }

  const server: Server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    items,
    requests,
    count: (route) => requests.filter((r) => route === undefined || r.route === route).length,
    resetCounts: () => {
      requests.length = 0;
    },
    add(n) {
      const added: ListItem[] = [];
      for (let i = 0; i < n; i += 1) added.unshift(newItem());
      items.unshift(...added);
      version += 1;
      return added;
    },
    update(ids) {
      version += 1;
      return ids.map((id) => {
        const item = items.find((i) => i.id === id);
        if (!item) throw new Error(`no item ${id}`);
        clock += 1000;
        item.updatedAt = new Date(clock).toISOString();
        item.name = `${item.name} (edited)`;
        return item;
      });
    },
    remove(id) {
      const index = items.findIndex((i) => i.id === id);
      if (index === -1) throw new Error(`no item ${id}`);
      items.splice(index, 1);
      version += 1;
    },
    fault: (rule) => faults.push({ ...rule, left: rule.times ?? 1 }),
    setAuth: (next) => {
      auth = next;
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
