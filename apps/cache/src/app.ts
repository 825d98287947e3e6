// The cache's HTTP surface: snapshot reads, health, readiness of its real dependencies, metrics.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { observabilityPlugin, registerErrorHandler, type Logger, type ReadinessCheck, type ServiceMetrics } from '@freshet/telemetry';
import type { SnapshotReader } from './snapshots/snapshot-reader';
import { registerSnapshotRoutes } from './snapshots/snapshot.routes';

export async function buildCacheApp(options: {
  logger: Logger;
  metrics: ServiceMetrics;
  readiness: Record<string, ReadinessCheck>;
  snapshots: SnapshotReader;
}): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: options.logger as FastifyBaseLogger });
  registerErrorHandler(app);
  await app.register(observabilityPlugin, { service: 'cache', metrics: options.metrics, readiness: options.readiness });
  registerSnapshotRoutes(app, options.snapshots);
  return app;
}
