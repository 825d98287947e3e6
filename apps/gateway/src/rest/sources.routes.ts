// GET /v1/tenants/:tenant/sources — the tenant's sources for a dashboard's list, from
// ingest's `list-sources` RPC filtered to the tenant, paged by source id. Only what a
// client needs: never the connector (upstream URLs, secret references).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  RPC,
  listSourcesReplySchema,
  sourcesHttpQuerySchema,
  sourcesResponseSchema,
  tenantParamsSchema,
  type ListSourcesReply,
  type SourcesResponse,
  type TenantSource,
} from '@freshet/contracts';
import { requireAccess } from './access';
import { askService, problemFrom, type RpcTarget } from './internal-rpc';
import { errorResponses, rpcTarget, type RestRouteOptions } from './rest-options';

type ListedSource = Extract<ListSourcesReply, { ok: true }>['sources'][number];

export interface TenantSourcesPage {
  sources: ListedSource[];
  /** Source id to pass as `after` for the next page. */
  next?: string;
}

/**
 * One page of the tenant's sources as ingest lists them. Rows of another tenant are dropped
 * even though ingest filters by tenant: a list must never leak across tenants.
 */
export async function listTenantSources(target: RpcTarget, tenant: string, page: { after?: string; limit: number }): Promise<TenantSourcesPage> {
  const reply = await askService(target, {
    service: RPC.ingest.service,
    method: RPC.ingest.listSources,
    payload: { tenant, limit: page.limit, ...(page.after === undefined ? {} : { after: `${tenant}/${page.after}` }) },
    reply: listSourcesReplySchema,
    unavailable: { code: 'SOURCE_DIRECTORY_UNAVAILABLE', message: 'the source directory (ingest) did not answer; try again shortly' },
  });
  if (!reply.ok) throw problemFrom(reply.error, { BAD_REQUEST: 400 });
  const ownPrefix = `${tenant}/`;
  const next = reply.next?.startsWith(ownPrefix) ? reply.next.slice(ownPrefix.length) : undefined;
  return { sources: reply.sources.filter((s) => s.tenant === tenant), ...(next ? { next } : {}) };
}

export function presentSource(source: ListedSource): TenantSource {
  return {
    source: source.source,
    ...(source.displayName === undefined ? {} : { displayName: source.displayName }),
    lastSyncedAt: source.lastSyncedAt,
    ...(source.staleAfterMs === undefined ? {} : { staleAfterMs: source.staleAfterMs }),
  };
}

export async function sourcesRoutes(app: FastifyInstance, options: RestRouteOptions): Promise<void> {
  const target = rpcTarget(options);
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/tenants/:tenant/sources',
    {
      onRequest: requireAccess(options.authenticate, 'sources:read'),
      schema: {
        operationId: 'listSources',
        tags: ['sources'],
        summary: "The tenant's sources, by id",
        description: 'Page on with `after` = the previous `next`.',
        params: tenantParamsSchema,
        querystring: sourcesHttpQuerySchema,
        response: { 200: sourcesResponseSchema, ...errorResponses },
      },
    },
    async (request): Promise<SourcesResponse> => {
      const page = await listTenantSources(target, request.params.tenant, request.query);
      return { sources: page.sources.map(presentSource), ...(page.next === undefined ? {} : { next: page.next }) };
    },
  );
}
