// Wires the cache skeleton: Redis (it will own the projection there), the bus, and the
// HTTP server, with an orderly stop.
import { Redis } from 'ioredis';
import { closeBus, connectBus } from '@freshet/bus';
import { createServiceMetrics, type Logger } from '@freshet/telemetry';
import { buildCacheApp } from './app';
import type { CacheConfig } from './config';

export async function startCache(config: Readonly<CacheConfig>, logger: Logger): Promise<{ url: string; stop(): Promise<void> }> {
  const metrics = createServiceMetrics('cache');
  // Redis down must not stop the cache from starting: it serves from the store then.
  const redis = new Redis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX, lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', (error) => logger.warn({ err: error }, 'redis connection problem'));
  await redis.connect().catch((error: unknown) => logger.warn({ err: error }, 'redis not reachable at start'));
  const nc = await connectBus({ servers: config.NATS_URL, name: 'cache', logger });
  const app = await buildCacheApp({
    logger,
    metrics,
    readiness: { redis: () => redis.ping(), nats: () => nc.flush() },
  });
  const url = await app.listen({ host: config.HOST, port: config.PORT });
  logger.info({ url }, 'cache listening');
  return {
    url,
    async stop() {
      await app.close();
      await closeBus(nc);
      redis.disconnect();
      await metrics.shutdown();
    },
  };
}
