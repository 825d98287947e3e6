// Builds the simulated upstream as a Fastify app (no listening), so tests drive it with
// app.inject() and main.ts only adds config, listen and graceful close.
import { createServiceMetrics, observabilityPlugin, type ServiceMetrics } from '@freshet/telemetry';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { setTimeout as delay } from 'node:timers/promises';
import { adminPoliciesRoutes } from './admin-policies.routes';
import { adminRoutes } from './admin.routes';
import { systemClock, type Clock } from './clock';
import { DEFAULTS, SERVICE_NAME } from './constants';
import { DatasetPolicies } from './dataset-policies';
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
  /** Default Cache-Control max-age; PUT /admin/datasets/:dataset/cache overrides it per dataset. */
  cacheMaxAgeSeconds?: number;
  /** Default ESI error budget per dataset; PUT /admin/datasets/:dataset/limits overrides it. */
  errorLimit?: number;
  errorWindowSeconds?: number;
  clock?: Clock;
  /** Waits out injected latency; defaults to a real timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Request logging; silent when omitted (tests). */
  logger?: FastifyBaseLogger;
  /** Owned by the caller when given; otherwise created here and shut down on close. */
  metrics?: ServiceMetrics;
  /** Injectable so a test can reach the same state. */
  store?: ItemStore;
  stats?: RequestStats;
  policies?: DatasetPolicies;
}

export async function buildUpstreamSimApp(options: UpstreamSimOptions = {}): Promise<FastifyInstance> {
  const clock = options.clock ?? systemClock;
  const seed = options.seed ?? DEFAULTS.seed;
  const store = options.store ?? new ItemStore(clock);
  const stats = options.stats ?? new RequestStats();
  const policies =
    options.policies ??
    new DatasetPolicies({
      errorLimit: options.errorLimit ?? DEFAULTS.errorLimit,
      errorWindowSeconds: options.errorWindowSeconds ?? DEFAULTS.errorWindowSeconds,
      cache: { maxAgeSeconds: options.cacheMaxAgeSeconds ?? DEFAULTS.cacheMaxAgeSeconds, aligned: false },
    });
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
    policies,
    clock,
    sleep: options.sleep ?? ((ms) => delay(ms)),
    pageSize: options.pageSize ?? DEFAULTS.pageSize,
  });
  await app.register(adminRoutes, { store, stats, policies, defaultSeed: seed });
  await app.register(adminPoliciesRoutes, { store, policies, clock });
  return app;
}
