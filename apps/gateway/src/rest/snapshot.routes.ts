// GET /v1/tenants/:tenant/sources/:source/snapshot — a page of a source's current records
// from the cache (its `cache.snapshot` RPC), with the stream position they reflect.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  RPC,
  formatStreamPosition,
  snapshotHttpQuerySchema,
  snapshotReplySchema,
  snapshotResponseSchema,
  sourceParamsSchema,
  type SnapshotResponse,
} from '@freshet/contracts';
import { requireAccess } from './access';
import { askService, problemFrom } from './internal-rpc';
import { errorResponses, rpcTarget, type RestRouteOptions } from './rest-options';

const STATUS_OF_ERROR: Readonly<Record<string, number>> = {
  SOURCE_NOT_FOUND: 404,
  BAD_REQUEST: 400,
  BAD_CURSOR: 400,
  SNAPSHOT_RESET: 409,
  SNAPSHOT_UNAVAILABLE: 503,
  SOURCE_DIRECTORY_UNAVAILABLE: 503,
};

export async function snapshotRoutes(app: FastifyInstance, options: RestRouteOptions): Promise<void> {
  const target = rpcTarget(options);
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/tenants/:tenant/sources/:source/snapshot',
    {
      onRequest: requireAccess(options.authenticate, 'sources:read'),
      schema: {
        operationId: 'getSnapshot',
        tags: ['sources'],
        summary: "A page of a source's current records, with the stream position they reflect",
        description:
          'Walk the pages with `cursor` = the previous `next`. Then open the stream with `Last-Event-ID: <position>`: ' +
          'the pages plus the events after `position` are exactly the current data, nothing missed. ' +
          '409 SNAPSHOT_RESET: the walk cannot go on (the view was rebuilt or the stream recreated); start again without a cursor.',
        params: sourceParamsSchema,
        querystring: snapshotHttpQuerySchema,
        response: { 200: snapshotResponseSchema, ...errorResponses },
      },
    },
    async (request): Promise<SnapshotResponse> => {
      const { tenant, source } = request.params;
      const reply = await askService(target, {
        service: RPC.cache.service,
        method: RPC.cache.snapshot,
        payload: { ...request.query, tenant, source },
        reply: snapshotReplySchema,
        unavailable: { code: 'CACHE_UNAVAILABLE', message: 'the cache did not answer; try again shortly' },
      });
      if (!reply.ok) throw problemFrom(reply.error, STATUS_OF_ERROR);
      const { ok: _ok, ...page } = reply;
      // The cache guarantees `meta.seq` is a position captured no later than the records:
      // from Redis it is read in the same Lua script as the page (and pinned for a walk);
      // from the database it is the stream's last sequence read *before* the records. So a
      // client resuming the stream after `position` misses no change the page lacks (it
      // may see again one the page already shows: events carry whole records, harmless).
      return { ...page, position: formatStreamPosition({ epoch: page.meta.epoch, seq: page.meta.seq }) };
    },
  );
}
