// Wires the cache: Redis (it owns the per-source projection there), the projection
// consumer of the events stream, snapshot reads over HTTP and NATS with stale-while-
// revalidate, with an orderly stop: stop answering, let revalidation requests in flight
// finish, stop applying events (the in-flight one finishes), then drain the bus.
import { jetstream } from '@nats-io/jetstream';
import { Redis } from 'ioredis';
import { closeBus, connectBus, ensureStreams, observeConsumerLag, readStreamBounds, streamLastSequence, topologyFromConfig } from '@freshet/bus';
import { createServiceMetrics, HttpProblem, type Logger } from '@freshet/telemetry';
import { buildCacheApp } from './app';
import type { CacheConfig } from './config';
import { consumerStartsAtStreamStart, startProjectionConsumer } from './projection/projection-consumer';
import { trackGeneration } from './projection/generation';
import { trackAppliedFloor } from './projection/applied-floor';
import { createViewRebuilder } from './rebuild/view-rebuilder';
import { createDatabaseRecords } from './snapshots/database-records';
import { createRedisSourceInfoStore } from './snapshots/source-info-store';
import { createRevalidator } from './revalidation/revalidator';
import { createSnapshotReader } from './snapshots/snapshot-reader';
import { startSnapshotRpc } from './snapshots/snapshot-rpc-responder';
import { createSourceDirectory } from './snapshots/source-directory';
import { createViewClearer } from './cache-events/clear-views';
import { createReadMetrics } from './cache-events/read-metrics';
import { createWrittenNotifier } from './cache-events/written-notifier';
import { createViewExpiry } from './cache-events/expiry-sweeper';
import { createReadStats } from './stats/read-stats';
import { startCacheAdminRpc } from './stats/cache-admin-rpc';

export interface RunningCache {
  url: string;
  stop(): Promise<void>;
}

export async function startCache(config: Readonly<CacheConfig>, logger: Logger): Promise<RunningCache> {
  const metrics = createServiceMetrics('cache');
  // Redis down must not stop the cache from starting: the projection waits for it
  // (events are redelivered) and reads answer 503 until it is back.
  const redis = new Redis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX, lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', (error) => logger.warn({ err: error }, 'redis connection problem'));
  await redis.connect().catch((error: unknown) => logger.warn({ err: error }, 'redis not reachable at start'));
  const nc = await connectBus({ servers: config.NATS_URL, name: 'cache', logger });
  await ensureStreams(nc, topologyFromConfig(config), logger);
  const prefix = config.FRESHET_SUBJECT_PREFIX;
  const stream = config.FRESHET_EVENTS_STREAM;
  const js = jetstream(nc);
  const position = await readStreamBounds(nc, stream);
  const generation = trackGeneration({
    redis,
    epoch: position.epoch,
    trustNewAtStart: await consumerStartsAtStreamStart(nc, stream, config.CACHE_PROJECTION_CONSUMER, position),
    refreshMs: config.CACHE_GENERATION_REFRESH_MS,
    onError: (error) => logger.warn({ err: error }, 'could not read the views generation'),
  });
  const infoStore = createRedisSourceInfoStore(redis);
  const directory = createSourceDirectory({
    nc,
    prefix,
    ttlMs: config.CACHE_SOURCE_INFO_TTL_MS,
    timeoutMs: config.CACHE_RPC_TIMEOUT_MS,
    logger,
    store: infoStore,
  });
  const written = createWrittenNotifier({ js, redis, prefix, logger, intervalMs: config.CACHE_WRITTEN_INTERVAL_MS });
  // Views of sources with a cacheTtlMs: kept while read or changed, dropped after (cache.expired).
  const expiry = createViewExpiry({ redis, js, prefix, logger, directory, infoStore, sweepMs: config.CACHE_EXPIRY_SWEEP_MS });
  const readMetrics = createReadMetrics({ meter: metrics.meter, js, prefix, logger, intervalMs: config.CACHE_METRICS_INTERVAL_MS });
  // Cumulative per-tenant read counters in Redis (the gateway's overview), written at the same pace.
  const readStats = createReadStats({ redis, logger, flushMs: config.CACHE_METRICS_INTERVAL_MS });
  const revalidator = createRevalidator({
    nc,
    js,
    redis,
    prefix,
    logger,
    ttlMs: config.CACHE_REVALIDATE_TTL_MS,
    retryAfterMs: config.CACHE_REVALIDATE_RETRY_AFTER_MS,
    timeoutMs: config.CACHE_RPC_TIMEOUT_MS,
  });

  const projection = await startProjectionConsumer({
    nc,
    redis,
    logger,
    prefix,
    stream,
    durable: config.CACHE_PROJECTION_CONSUMER,
    ackWaitMs: config.CACHE_PROJECTION_ACK_WAIT_MS,
    generation,
    meter: metrics.meter,
    isUnknownSource: async (tenant, source) =>
      directory.get(tenant, source).then(
        () => false,
        (error: unknown) => error instanceof HttpProblem && error.statusCode === 404,
      ),
    onJobEvent: (event, applied) => revalidator.onJobEvent(event, applied),
    onApplied: (event) => {
      if (event.type.startsWith('content.')) written.changed(event.tenant, event.source);
      expiry.touch(event.tenant, event.source);
    },
  });
  const streamLastSeq = () => streamLastSequence(nc, stream);
  const projectionLag = observeConsumerLag({ nc, stream, durables: [config.CACHE_PROJECTION_CONSUMER], meter: metrics.meter });
  const floor = trackAppliedFloor({ nc, stream, durable: config.CACHE_PROJECTION_CONSUMER, refreshMs: config.CACHE_GENERATION_REFRESH_MS, logger });
  const database = createDatabaseRecords({ nc, prefix, timeoutMs: config.CACHE_RPC_TIMEOUT_MS });
  const rebuilder = createViewRebuilder({
    redis,
    records: database,
    streamLastSeq,
    logger,
    meter: metrics.meter,
    claimTtlMs: config.CACHE_REBUILD_CLAIM_TTL_MS,
    onRebuilt: (tenant, source) => {
      written.changed(tenant, source);
      expiry.touch(tenant, source);
    },
  });
  const snapshots = createSnapshotReader({
    redis,
    directory,
    logger,
    meter: metrics.meter,
    epoch: position.epoch,
    generation,
    database,
    rebuilder,
    streamLastSeq,
    revalidator,
    pageMemoBytes: config.CACHE_PAGE_MEMO_BYTES,
    appliedFloor: floor.get,
    onRead: (tenant, read) => {
      readMetrics.record(tenant, read);
      readStats.record(tenant, read);
    },
    onServed: (tenant, source, info, servedFrom) => {
      expiry.touch(tenant, source, info);
      // Served from the database: Redis may have lost the definition's copy with the view
      // (a flush); keep it again, for reads while ingest cannot answer.
      if (servedFrom === 'database') void infoStore.save(tenant, source, info).catch(() => undefined);
    },
  });
  const rpc = startSnapshotRpc(nc, snapshots, prefix, logger);
  const adminRpc = startCacheAdminRpc(nc, prefix, { redis, directory, retryAfterMs: config.CACHE_REVALIDATE_RETRY_AFTER_MS, readStats }, logger);

  const app = await buildCacheApp({
    logger,
    metrics,
    snapshots,
    clearer: createViewClearer({ redis, js, prefix }),
    readiness: { redis: () => redis.ping(), nats: () => nc.flush() },
  });
  const url = await app.listen({ host: config.HOST, port: config.PORT });
  logger.info({ url }, 'cache listening');
  return {
    url,
    async stop() {
      await app.close();
      rpc.unsubscribe();
      adminRpc.unsubscribe();
      await Promise.all([revalidator.drain(), rebuilder.drain()]);
      await projection.stop();
      generation.stop();
      floor.stop();
      projectionLag.stop();
      await Promise.all([written.stop(), readMetrics.stop(), readStats.stop(), expiry.stop()]);
      await closeBus(nc);
      redis.disconnect();
      await metrics.shutdown();
    },
  };
}
