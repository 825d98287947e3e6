// The cache's admin reads over NATS request/reply, for the gateway's tenant overview:
//   <prefix>.rpc.cache.freshness — the view meta of named sources of one tenant;
//   <prefix>.rpc.cache.stats     — the tenant's cumulative read counters.
// Every key read is built from the request's tenant (`src:{<tenant>}:…`, `stats:{<tenant>}:…`),
// so one tenant's request can never read another's views or counters. Redis down:
// `{ok: false, error: {code: 'CACHE_UNAVAILABLE'}}`.
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { respondJson } from '@freshet/bus';
import { RPC, cacheFreshnessRequestSchema, cacheStatsRequestSchema, rpcSubject } from '@freshet/contracts';
import type { Logger } from '@freshet/telemetry';
import { loadReadStats, type ReadStats } from './read-stats';
import { readSourcesFreshness, type SourceFreshnessOptions } from './source-freshness';

export interface CacheAdminRpcOptions extends SourceFreshnessOptions {
  /** This replica's pending counts are written before answering, so its own reads are in the answer. */
  readStats?: ReadStats;
}

const unavailable = { ok: false, error: { code: 'CACHE_UNAVAILABLE', message: 'the cache store (Redis) did not answer; try again shortly' } } as const;

export function startCacheAdminRpc(nc: NatsConnection, prefix: string, options: CacheAdminRpcOptions, logger: Logger): { unsubscribe(): void } {
  const { redis, readStats } = options;
  const subscriptions: Subscription[] = [
    respondJson(
      nc,
      rpcSubject(prefix, RPC.cache.service, RPC.cache.freshness),
      cacheFreshnessRequestSchema,
      logger,
      async (request) => {
        try {
          return { ok: true, sources: await readSourcesFreshness(options, request) };
        } catch (error) {
          logger.warn({ err: error, tenant: request.tenant }, 'could not read the views freshness');
          return unavailable;
        }
      },
      'cache',
    ),
    respondJson(
      nc,
      rpcSubject(prefix, RPC.cache.service, RPC.cache.stats),
      cacheStatsRequestSchema,
      logger,
      async ({ tenant }) => {
        try {
          await readStats?.flush();
          return { ok: true, reads: await loadReadStats(redis, tenant) };
        } catch (error) {
          logger.warn({ err: error, tenant }, 'could not read the read stats');
          return unavailable;
        }
      },
      'cache',
    ),
  ];
  return { unsubscribe: () => subscriptions.forEach((s) => s.unsubscribe()) };
}
