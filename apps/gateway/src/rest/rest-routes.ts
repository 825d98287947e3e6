// The gateway's REST surface as one plugin: snapshot, history, sources, refresh, the
// tenant overview and dead-job retry. Every route authenticates, checks the path tenant
// against the credential's and the scope it needs, then validates its input with the
// contracts' zod schemas (registerOpenApi must have set the zod compilers first).
import type { FastifyInstance } from 'fastify';
import { rethrowNormalized } from './http-errors';
import { historyRoutes } from './history.routes';
import { jobsRoutes } from './jobs.routes';
import { overviewRoutes, type OverviewRouteOptions } from './overview.routes';
import { refreshRoutes } from './refresh.routes';
import { snapshotRoutes } from './snapshot.routes';
import { sourcesRoutes } from './sources.routes';

export type RestRoutesOptions = OverviewRouteOptions;

export async function restRoutes(app: FastifyInstance, options: RestRoutesOptions): Promise<void> {
  // Fastify's own request errors in this scope (validation, body parsing) become the API's
  // problems, then go on to the service's error handler, which answers and logs them.
  app.setErrorHandler(rethrowNormalized);
  await app.register(snapshotRoutes, options);
  await app.register(historyRoutes, options);
  await app.register(sourcesRoutes, options);
  await app.register(refreshRoutes, options);
  await app.register(overviewRoutes, options);
  await app.register(jobsRoutes, options);
}
