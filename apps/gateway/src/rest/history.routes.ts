// GET /v1/tenants/:tenant/sources/:source/history — a source's events over a time range,
// oldest first and paged, from ingest's event store (its `get-history` RPC): what a
// dashboard's historical mode reads.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { RPC, getHistoryReplySchema, historyHttpQuerySchema, historyResponseSchema, sourceParamsSchema, type HistoryPage } from '@freshet/contracts';
import { requireAccess } from './access';
import { askService, problemFrom } from './internal-rpc';
import { errorResponses, rpcTarget, type RestRouteOptions } from './rest-options';

const STATUS_OF_ERROR: Readonly<Record<string, number>> = { SOURCE_NOT_FOUND: 404, BAD_REQUEST: 400 };

export async function historyRoutes(app: FastifyInstance, options: RestRouteOptions): Promise<void> {
  const target = rpcTarget(options);
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/tenants/:tenant/sources/:source/history',
    {
      onRequest: requireAccess(options.authenticate, 'sources:read'),
      schema: {
        operationId: 'getHistory',
        tags: ['sources'],
        summary: "A source's events over a time range, oldest first",
        description: '`from` inclusive, `to` exclusive; `types` filters by event type or family prefix (`content.`, `job.dead`). Page on with `after` = the previous `nextAfter`.',
        params: sourceParamsSchema,
        querystring: historyHttpQuerySchema,
        response: { 200: historyResponseSchema, ...errorResponses },
      },
    },
    async (request): Promise<HistoryPage> => {
      const { tenant, source } = request.params;
      const reply = await askService(target, {
        service: RPC.ingest.service,
        method: RPC.ingest.getHistory,
        payload: { ...request.query, tenant, source },
        reply: getHistoryReplySchema,
        unavailable: { code: 'HISTORY_UNAVAILABLE', message: 'the history (ingest) did not answer; try again shortly' },
      });
      if (!reply.ok) throw problemFrom(reply.error, STATUS_OF_ERROR);
      return reply.page;
    },
  );
}
