// Admin API for how a dataset's public lists behave, as opposed to what they hold:
// rate limit and ESI error budget, injected faults, cache headers, and a read of all of
// it. PUT replaces the whole setting (fields left out take their defaults), DELETE
// restores the defaults; the dataset must exist. Never counted as upstream requests.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from './clock';
import { ROUTES } from './constants';
import type { DatasetPolicies } from './dataset-policies';
import { DatasetNotFoundError } from './errors';
import type { ItemStore } from './item-store';
import { cacheBodySchema, datasetParamsSchema, faultsBodySchema, limitsBodySchema } from './request.schemas';
import { parseRequestPart } from './validate';

export interface AdminPoliciesRoutesOptions {
  store: ItemStore;
  policies: DatasetPolicies;
  clock: Clock;
}

export async function adminPoliciesRoutes(app: FastifyInstance, options: AdminPoliciesRoutesOptions): Promise<void> {
  const { store, policies, clock } = options;
  const now = () => clock.now().getTime();

  function existingDataset(request: FastifyRequest): string {
    const { dataset } = parseRequestPart(datasetParamsSchema, request.params, 'params');
    if (!store.has(dataset)) throw new DatasetNotFoundError(dataset);
    return dataset;
  }

  app.get(ROUTES.adminDataset, async (request) => {
    const dataset = existingDataset(request);
    return { ...store.summary(dataset), ...policies.view(dataset, now()) };
  });

  app.put(ROUTES.adminDatasetLimits, async (request) => {
    const body = parseRequestPart(limitsBodySchema, request.body ?? {}, 'body');
    return policies.setLimits(existingDataset(request), body, now());
  });

  app.delete(ROUTES.adminDatasetLimits, async (request, reply) => {
    policies.clearLimits(existingDataset(request), now());
    return reply.code(204).send();
  });

  app.put(ROUTES.adminDatasetFaults, async (request) => {
    const body = parseRequestPart(faultsBodySchema, request.body ?? {}, 'body');
    return policies.setFaults(existingDataset(request), body, now());
  });

  app.delete(ROUTES.adminDatasetFaults, async (request, reply) => {
    policies.clearFaults(existingDataset(request), now());
    return reply.code(204).send();
  });

  app.put(ROUTES.adminDatasetCache, async (request) => {
    const body = parseRequestPart(cacheBodySchema, request.body, 'body');
    return policies.setCache(existingDataset(request), body, now());
  });

  app.delete(ROUTES.adminDatasetCache, async (request, reply) => {
    policies.clearCache(existingDataset(request));
    return reply.code(204).send();
  });
}
