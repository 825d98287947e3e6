// The scheduler's HTTP surface: health, readiness of its real dependencies, metrics, and
// the jobs API.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { observabilityPlugin, registerErrorHandler, type Logger, type ReadinessCheck, type ServiceMetrics } from '@freshet/telemetry';
import { jobsRoutes, type JobsRoutesOptions } from './routes/jobs.routes';

export async function buildSchedulerApp(options: {
  logger: Logger;
  metrics: ServiceMetrics;
  readiness: Record<string, ReadinessCheck>;
  jobs: JobsRoutesOptions;
}): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: options.logger as FastifyBaseLogger });
  registerErrorHandler(app);
  await app.register(observabilityPlugin, { service: 'sync-scheduler', metrics: options.metrics, readiness: options.readiness });
  await app.register(jobsRoutes, options.jobs);
  return app;
}
