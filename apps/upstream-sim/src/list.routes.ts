// The public, third-party-looking API: GET /v1/datasets/:dataset/items?page=N, newest
// first, with X-Pages, a strong ETag per page and 304 on If-None-Match. Deliberately thin
// over item-store, paging and etag so latency, faults and rate limits can be layered on
// as hooks later without touching the listing logic.
import type { FastifyInstance } from 'fastify';
import { datasetNameSchema, datasetParamsSchema } from './request.schemas';
import type { Clock } from './clock';
import { HEADERS, ROUTES } from './constants';
import { DatasetNotFoundError } from './errors';
import { etagOf, ifNoneMatchMatches } from './etag';
import type { ItemStore } from './item-store';
import { paginate, parsePage } from './paging';
import { outcomeForStatus, type RequestStats } from './request-stats';
import { parseRequestPart } from './validate';

export interface ListRoutesOptions {
  store: ItemStore;
  stats: RequestStats;
  clock: Clock;
  pageSize: number;
  cacheMaxAgeSeconds: number;
}

interface ListRoute {
  Params: Record<string, unknown>;
  Querystring: Record<string, unknown>;
}

export async function listRoutes(app: FastifyInstance, options: ListRoutesOptions): Promise<void> {
  const { store, stats, clock, pageSize, cacheMaxAgeSeconds } = options;

  app.get<ListRoute>(
    ROUTES.listItems,
    {
      // onSend sees the final status of every answer (errors included) before the
      // client does, so a test reading /admin/stats right after never races the count.
      onSend: async (request, reply, payload) => {
        const name = datasetNameSchema.safeParse(request.params['dataset']);
        stats.record(name.success ? name.data : undefined, outcomeForStatus(reply.statusCode));
        return payload;
      },
    },
    async (request, reply) => {
      const { dataset } = parseRequestPart(datasetParamsSchema, request.params, 'params');
      const page = parsePage(request.query['page']);
      const items = store.findNewestFirst(dataset);
      if (!items) throw new DatasetNotFoundError(dataset);

      const { items: pageItems, totalPages } = paginate(items, page, pageSize);
      const body = JSON.stringify(pageItems);
      const etag = etagOf(body);
      const now = clock.now().getTime();
      reply
        .header(HEADERS.totalPages, String(totalPages))
        .header(HEADERS.etag, etag)
        .header(HEADERS.cacheControl, `max-age=${cacheMaxAgeSeconds}`)
        .header(HEADERS.expires, new Date(now + cacheMaxAgeSeconds * 1000).toUTCString());
      const lastModified = store.lastModified(dataset);
      if (lastModified) reply.header(HEADERS.lastModified, lastModified.toUTCString());

      if (ifNoneMatchMatches(request.headers[HEADERS.ifNoneMatch], etag)) return reply.code(304).send();
      return reply.type('application/json; charset=utf-8').send(body);
    },
  );
}
