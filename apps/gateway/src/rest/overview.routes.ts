// GET /v1/tenants/:tenant/overview — the tenant's admin overview: jobs by status and
// priority, the latest dead jobs with their errors (scheduler), each source's freshness
// (ingest's list + the cache's view meta) and the cache's hit ratio and served-from mix.
//
// The stream position is read FIRST, before any part: every part then reflects at least
// the events up to it, so a client that applies the admin channel's events after
// `position` (Last-Event-ID) misses nothing; it may see an event again that a part already
// shows, which the admin events tolerate (they carry states and counts, not deltas to sum).
//
// Parts are read in parallel and each may fail alone: the overview is what an admin
// looks at when something is down, so a part that cannot be read is null and named in
// `unavailable` rather than failing the whole answer. Every request is scoped by the
// path tenant (checked against the credential before this runs).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { readStreamBounds } from '@freshet/bus';
import {
  OVERVIEW_MAX_SOURCES,
  RPC,
  cacheFreshnessReplySchema,
  cacheStatsReplySchema,
  formatStreamPosition,
  schedulerOverviewReplySchema,
  tenantOverviewSchema,
  tenantParamsSchema,
  type CacheFreshnessRequestInput,
  type FreshnessState,
  type OverviewSource,
  type SchedulerOverviewRequestInput,
  type SourceFreshness,
  type TenantOverview,
} from '@freshet/contracts';
import { HttpProblem } from '@freshet/telemetry';
import { requireAccess } from './access';
import { askService, problemFrom } from './internal-rpc';
import { errorResponses, rpcTarget, type RestRouteOptions } from './rest-options';
import { listTenantSources, type TenantSourcesPage } from './sources.routes';

/** Dead jobs the overview lists (newest first). */
export const OVERVIEW_DEAD_JOBS = 20;

export interface OverviewRouteOptions extends RestRouteOptions {
  /** The events stream (FRESHET_EVENTS_STREAM) whose position the overview is captured at. */
  eventsStream: string;
  now?: () => number;
}

type Part = TenantOverview['unavailable'][number]['part'];
type Settled<T> = { ok: true; value: T } | { ok: false; part: Part; problem: HttpProblem };

async function settle<T>(part: Part, work: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await work };
  } catch (error) {
    if (error instanceof HttpProblem) return { ok: false, part, problem: error };
    throw error;
  }
}

/** fresh/stale from a last sync and a staleAfter, as the cache decides it. */
function freshnessFrom(lastSyncedAt: string | null, staleAfterMs: number | null, nowMs: number): { ageMs: number | null; state: FreshnessState } {
  const syncedMs = lastSyncedAt === null ? NaN : Date.parse(lastSyncedAt);
  if (Number.isNaN(syncedMs)) return { ageMs: null, state: 'stale' };
  const ageMs = Math.max(0, Math.round(nowMs - syncedMs));
  return { ageMs, state: staleAfterMs !== null && ageMs <= staleAfterMs ? 'fresh' : 'stale' };
}

/**
 * A source as the overview shows it. The cache's view says what readers are served; when
 * its view has no last sync (cold, cleared) or the cache did not answer, ingest's last
 * sync stands in (a read would then be answered from the database, with ingest's).
 */
function overviewSource(listed: TenantSourcesPage['sources'][number], view: SourceFreshness | undefined, nowMs: number): OverviewSource {
  const staleAfterMs = listed.staleAfterMs ?? view?.staleAfterMs ?? null;
  const lastSyncedAt = view?.lastSyncedAt ?? listed.lastSyncedAt;
  const computed = freshnessFrom(lastSyncedAt, staleAfterMs, nowMs);
  const state = view && (view.state === 'revalidating' || view.state === 'error') && computed.state !== 'fresh' ? view.state : computed.state;
  return {
    source: listed.source,
    ...(listed.displayName === undefined ? {} : { displayName: listed.displayName }),
    lastSyncedAt,
    ageMs: computed.ageMs,
    state,
    staleAfterMs,
    ...(state === 'error' && view?.error ? { error: view.error } : {}),
    ...(view ? { seq: view.seq, count: view.count } : {}),
  };
}

export async function overviewRoutes(app: FastifyInstance, options: OverviewRouteOptions): Promise<void> {
  const target = rpcTarget(options);
  const now = options.now ?? Date.now;
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/tenants/:tenant/overview',
    {
      onRequest: requireAccess(options.authenticate, 'admin:read'),
      schema: {
        operationId: 'getOverview',
        tags: ['admin'],
        summary: "The tenant's admin overview: jobs, dead jobs, sources' freshness, cache hits",
        description:
          '`position` is read before every part: open the admin channel with `Last-Event-ID: <position>` and apply what follows. ' +
          'A part that could not be read is null and named in `unavailable`.',
        params: tenantParamsSchema,
        response: { 200: tenantOverviewSchema, ...errorResponses },
      },
    },
    async (request): Promise<TenantOverview> => {
      const { tenant } = request.params;
      // First: the parts read after it reflect at least every event up to it.
      const bounds = await readStreamBounds(options.nc, options.eventsStream).catch((error: unknown) => {
        throw new HttpProblem(503, 'STREAM_UNAVAILABLE', 'the events stream did not answer; try again shortly', undefined, { cause: error });
      });
      const position = formatStreamPosition({ epoch: bounds.epoch, seq: bounds.lastSeq });

      const schedulerRequest: SchedulerOverviewRequestInput = { tenant, deadLimit: OVERVIEW_DEAD_JOBS };
      const [scheduler, listed, reads] = await Promise.all([
        settle(
          'jobs',
          askService(target, {
            service: RPC.scheduler.service,
            method: RPC.scheduler.overview,
            payload: schedulerRequest,
            reply: schedulerOverviewReplySchema,
            unavailable: { code: 'SCHEDULER_UNAVAILABLE', message: 'the scheduler did not answer' },
          }).then((reply) => {
            if (!reply.ok) throw problemFrom(reply.error, {});
            return reply;
          }),
        ),
        settle('sources', listTenantSources(target, tenant, { limit: OVERVIEW_MAX_SOURCES })),
        settle(
          'cache',
          askService(target, {
            service: RPC.cache.service,
            method: RPC.cache.stats,
            payload: { tenant },
            reply: cacheStatsReplySchema,
            unavailable: { code: 'CACHE_UNAVAILABLE', message: 'the cache did not answer' },
          }).then((reply) => {
            if (!reply.ok) throw problemFrom(reply.error, { CACHE_UNAVAILABLE: 503 });
            return reply.reads;
          }),
        ),
      ]);

      // The views' meta of the sources ingest listed (it needs their names and staleAfter).
      let views: Settled<SourceFreshness[]> | undefined;
      if (listed.ok && listed.value.sources.length > 0) {
        const freshnessRequest: CacheFreshnessRequestInput = {
          tenant,
          sources: listed.value.sources.map((s) => ({ source: s.source, ...(s.staleAfterMs === undefined ? {} : { staleAfterMs: s.staleAfterMs }) })),
        };
        views = await settle(
          'freshness',
          askService(target, {
            service: RPC.cache.service,
            method: RPC.cache.freshness,
            payload: freshnessRequest,
            reply: cacheFreshnessReplySchema,
            unavailable: { code: 'CACHE_UNAVAILABLE', message: 'the cache did not answer' },
          }).then((reply) => {
            if (!reply.ok) throw problemFrom(reply.error, { CACHE_UNAVAILABLE: 503 });
            return reply.sources;
          }),
        );
      }

      const unavailable = [scheduler, listed, reads, views].flatMap((part) =>
        part && !part.ok ? [{ part: part.part, error: part.problem.code, message: part.problem.message }] : [],
      );
      if (unavailable.length > 0) request.log.warn({ tenant, unavailable }, 'overview served without some parts');
      const viewOf = new Map(views?.ok ? views.value.map((v) => [v.source, v]) : []);
      const nowMs = now();
      return {
        position,
        jobs: scheduler.ok ? scheduler.value.jobs : null,
        deadJobs: scheduler.ok ? scheduler.value.deadJobs : null,
        cache: reads.ok ? reads.value : null,
        sources: listed.ok ? listed.value.sources.map((s) => overviewSource(s, viewOf.get(s.source), nowMs)) : null,
        sourcesTruncated: listed.ok && listed.value.next !== undefined,
        unavailable,
      };
    },
  );
}
