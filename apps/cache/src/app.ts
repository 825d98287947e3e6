// The cache's HTTP surface: snapshot reads, health, readiness of its real dependencies, metrics.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { observabilityPlugin, registerErrorHandler, type Logger, type ReadinessCheck, type ServiceMetrics } from '@freshet/telemetry';
import type { SnapshotReader } from './snapshots/snapshot-reader';
import { registerSnapshotRoutes } from './snapshots/snapshot.routes';
import type { ViewClearer } from './cache-events/clear-views';
import { registerClearRoutes } from './cache-events/clear.routes';

export async function buildCacheApp(options: {
  logger: Logger;
  metrics: ServiceMetrics;
  readiness: Record<string, ReadinessCheck>;
  snapshots: SnapshotReader;
  /** Admin clear of views; without it the DELETE routes are not registered. */
  clearer?: ViewClearer;
}): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: options.logger as FastifyBaseLogger });
  registerErrorHandler(app);
  await app.register(observabilityPlugin, { service: 'cache', metrics: options.metrics, readiness: options.readiness });
  registerSnapshotRoutes(app, options.snapshots);
  if (options.clearer) registerClearRoutes(app, options.clearer);
  return app;
}
