// The scheduler's HTTP surface: health, readiness of its real dependencies, metrics.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { observabilityPlugin, registerErrorHandler, type Logger, type ReadinessCheck, type ServiceMetrics } from '@freshet/telemetry';

export async function buildSchedulerApp(options: {
  logger: Logger;
  metrics: ServiceMetrics;
  readiness: Record<string, ReadinessCheck>;
}): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: options.logger as FastifyBaseLogger });
  registerErrorHandler(app);
  await app.register(observabilityPlugin, { service: 'sync-scheduler', metrics: options.metrics, readiness: options.readiness });
  return app;
}
