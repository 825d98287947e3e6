// Builds the simulated upstream as a Fastify app (no listening), so tests drive it with
// app.inject() and main.ts only adds config, listen and graceful close.
import { createServiceMetrics, observabilityPlugin, type ServiceMetrics } from '@freshet/telemetry';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { adminRoutes } from './admin.routes';
import { systemClock, type Clock } from './clock';
import { DEFAULTS, SERVICE_NAME } from './constants';
import type { DatasetSpec } from './dataset-specs';
import { errorHandler, notFoundHandler } from './error-handler';
import { ItemStore } from './item-store';
import { listRoutes } from './list.routes';
import { RequestStats } from './request-stats';

export interface UpstreamSimOptions {
  /** Seed for the start-up datasets and the default for PUT /admin/datasets/:dataset. */
  seed?: number;
  /** Datasets seeded at start; defaults to demo:120. */
  datasets?: readonly DatasetSpec[];
  pageSize?: number;
  cacheMaxAgeSeconds?: number;
  clock?: Clock;
  /** Request logging; silent when omitted (tests). */
  logger?: FastifyBaseLogger;
  /** Owned by the caller when given; otherwise created here and shut down on close. */
  metrics?: ServiceMetrics;
  /** Injectable so a test or a later fault layer can reach the same state. */
  store?: ItemStore;
  stats?: RequestStats;
}

export async function buildUpstreamSimApp(options: UpstreamSimOptions = {}): Promise<FastifyInstance> {
  const clock = options.clock ?? systemClock;
  const seed = options.seed ?? DEFAULTS.seed;
  const store = options.store ?? new ItemStore(clock);
  const stats = options.stats ?? new RequestStats();
  const datasets = options.datasets ?? [{ name: 'demo', count: 120 }];
  for (const { name, count } of datasets) store.seed(name, { seed, count });

  const app = options.logger ? Fastify({ loggerInstance: options.logger }) : Fastify();
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);

  const metrics = options.metrics ?? createServiceMetrics(SERVICE_NAME);
  if (!options.metrics) app.addHook('onClose', () => metrics.shutdown());
  await app.register(observabilityPlugin, { service: SERVICE_NAME, metrics, readiness: {} });

  await app.register(listRoutes, {
    store,
    stats,
    clock,
    pageSize: options.pageSize ?? DEFAULTS.pageSize,
    cacheMaxAgeSeconds: options.cacheMaxAgeSeconds ?? DEFAULTS.cacheMaxAgeSeconds,
  });
  await app.register(adminRoutes, { store, stats, defaultSeed: seed });
  return app;
}
