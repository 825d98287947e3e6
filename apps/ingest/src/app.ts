// Builds ingest's HTTP surface (health, metrics, internal source API) as a testable app.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { observabilityPlugin, registerErrorHandler, type Logger, type ReadinessCheck, type ServiceMetrics } from '@freshet/telemetry';
import type { IngestDatabase } from './db/ingest-tables';
import { sourcesRoutes } from './routes/sources.routes';

export interface IngestAppOptions {
  db: Kysely<IngestDatabase>;
  logger: Logger;
  metrics: ServiceMetrics;
  readiness: Record<string, ReadinessCheck>;
}

export async function buildIngestApp(options: IngestAppOptions): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: options.logger as FastifyBaseLogger });
  registerErrorHandler(app);
  await app.register(observabilityPlugin, { service: 'ingest', metrics: options.metrics, readiness: options.readiness });
  await app.register(sourcesRoutes, { db: options.db });
  return app;
}
