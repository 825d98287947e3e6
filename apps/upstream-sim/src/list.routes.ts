// The public, third-party-looking API: one dataset, four pagination styles, so every
// connector style has a real peer. All are newest first by default, accept
// updated_since, send a strong ETag (304 on If-None-Match), Cache-Control/Expires and
// Last-Modified, and pass through the public-traffic layer (limits, faults, counters).
// - GET /v1/datasets/:dataset/items?page&page_size&updated_since: array, X-Pages;
// - GET /v1/datasets/:dataset/cursor-items?cursor&limit&updated_since: { items, next_cursor };
// - GET /v1/datasets/:dataset/link-items?page&page_size&updated_since: array, Link rel="next";
// - GET /v1/datasets/:dataset/offset-items?offset&limit&updated_since: { data, total }.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cacheHeaderValues } from './cache-policy';
import type { Clock } from './clock';
import { HEADERS, QUERY, ROUTES, type ListStyle } from './constants';
import { encodeCursor } from './cursor';
import type { DatasetPolicies } from './dataset-policies';
import { DatasetNotFoundError } from './errors';
import { etagOf, ifNoneMatchMatches } from './etag';
import { applyPageFaults, malformBody } from './faults';
import type { Item } from './item';
import { positionOf, type ItemStore } from './item-store';
import { linkHeader } from './link-header';
import { cursorQuery, offsetQuery, pagedQuery } from './list-queries';
import { totalPages } from './paging';
import { PublicTraffic } from './public-traffic';
import { datasetParamsSchema } from './request.schemas';
import type { RequestStats } from './request-stats';
import { parseRequestPart } from './validate';

export interface ListRoutesOptions {
  store: ItemStore;
  stats: RequestStats;
  policies: DatasetPolicies;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  pageSize: number;
}

interface ListRoute {
  Params: Record<string, unknown>;
  Querystring: Record<string, unknown>;
}

type Records = readonly object[];

const STYLES: ReadonlyMap<string, ListStyle> = new Map([
  [ROUTES.listItems, 'items'],
  [ROUTES.listCursorItems, 'cursorItems'],
  [ROUTES.listLinkItems, 'linkItems'],
  [ROUTES.listOffsetItems, 'offsetItems'],
]);

export async function listRoutes(app: FastifyInstance, options: ListRoutesOptions): Promise<void> {
  const { store, policies, clock, pageSize } = options;
  const traffic = new PublicTraffic({ ...options, styles: STYLES });
  traffic.register(app);

  /** Serves one page: page faults, body, ETag, caching headers, 304 when unchanged. */
  function sendPage(
    request: FastifyRequest,
    reply: FastifyReply,
    page: { dataset: string; number: number; items: readonly Item[]; envelope: (records: Records) => unknown },
  ): FastifyReply {
    const faulted = applyPageFaults(page.items, page.number, policies.faults(page.dataset));
    const json = JSON.stringify(page.envelope(faulted.records));
    const body = faulted.malformed ? malformBody(json) : json;
    if (faulted.faulted) traffic.markFaulted(request);

    const etag = etagOf(body);
    const cache = cacheHeaderValues(policies.cache(page.dataset), clock.now().getTime());
    reply.header(HEADERS.etag, etag).header(HEADERS.cacheControl, cache.cacheControl).header(HEADERS.expires, cache.expires);
    const lastModified = store.lastModified(page.dataset);
    if (lastModified) reply.header(HEADERS.lastModified, lastModified.toUTCString());

    if (ifNoneMatchMatches(request.headers[HEADERS.ifNoneMatch], etag)) return reply.code(304).send();
    return reply.type('application/json; charset=utf-8').send(body);
  }

  function datasetOf(request: FastifyRequest<ListRoute>): string {
    return parseRequestPart(datasetParamsSchema, request.params, 'params').dataset;
  }

  app.get<ListRoute>(ROUTES.listItems, async (request, reply) => {
    const dataset = datasetOf(request);
    const query = pagedQuery(request.query, pageSize);
    const window = store.window(dataset, query.order, query.offset, query.limit);
    if (!window) throw new DatasetNotFoundError(dataset);
    reply.header(HEADERS.totalPages, String(totalPages(window.total, query.limit)));
    return sendPage(request, reply, { dataset, number: query.page, items: window.items, envelope: (records) => records });
  });

  app.get<ListRoute>(ROUTES.listLinkItems, async (request, reply) => {
    const dataset = datasetOf(request);
    const query = pagedQuery(request.query, pageSize);
    const window = store.window(dataset, query.order, query.offset, query.limit);
    if (!window) throw new DatasetNotFoundError(dataset);
    const url = new URL(request.url, `${request.protocol}://${request.host}`);
    reply.header(HEADERS.link, linkHeader(url, QUERY.page, query.page, totalPages(window.total, query.limit)));
    return sendPage(request, reply, { dataset, number: query.page, items: window.items, envelope: (records) => records });
  });

  app.get<ListRoute>(ROUTES.listOffsetItems, async (request, reply) => {
    const dataset = datasetOf(request);
    const query = offsetQuery(request.query, pageSize);
    const window = store.window(dataset, query.order, query.offset, query.limit);
    if (!window) throw new DatasetNotFoundError(dataset);
    const { total } = window;
    return sendPage(request, reply, { dataset, number: query.page, items: window.items, envelope: (data) => ({ data, total }) });
  });

  app.get<ListRoute>(ROUTES.listCursorItems, async (request, reply) => {
    const dataset = datasetOf(request);
    const query = cursorQuery(request.query, pageSize);
    const run = store.run(dataset, query.order, query.after, query.limit);
    if (!run) throw new DatasetNotFoundError(dataset);
    const last = run.items.at(-1);
    const nextCursor =
      last !== undefined && run.remaining > 0
        ? encodeCursor({
            order: query.order.kind === 'newest' ? 'newest' : 'updated',
            after: positionOf(last, query.order),
            page: query.page + 1,
          })
        : null;
    return sendPage(request, reply, {
      dataset,
      number: query.page,
      items: run.items,
      envelope: (items) => ({ items, next_cursor: nextCursor }),
    });
  });
}
