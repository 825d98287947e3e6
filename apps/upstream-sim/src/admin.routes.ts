// The admin API tests and demos use to shape the upstream: seed datasets, add, edit and
// delete items, read and reset the request counters (limits, faults and cache settings
// are in admin-policies.routes.ts). Every input is validated before anything changes,
// so a refused request leaves the store exactly as it was. These calls are never
// counted as upstream requests.
import type { FastifyInstance } from 'fastify';
import { HEADERS, ROUTES } from './constants';
import { DatasetNotFoundError } from './errors';
import type { DatasetPolicies } from './dataset-policies';
import type { ItemStore } from './item-store';
import type { RequestStats } from './request-stats';
import {
  datasetParamsSchema,
  itemParamsSchema,
  itemPatchBodySchema,
  newItemBodySchema,
  seedBodySchema,
} from './request.schemas';
import { parseRequestPart } from './validate';

export interface AdminRoutesOptions {
  store: ItemStore;
  stats: RequestStats;
  /** Forgotten with the dataset on DELETE; kept across a reseed. */
  policies: DatasetPolicies;
  /** Seed used by PUT /admin/datasets/:dataset when the body names none. */
  defaultSeed: number;
}

export async function adminRoutes(app: FastifyInstance, options: AdminRoutesOptions): Promise<void> {
  const { store, stats, policies, defaultSeed } = options;

  app.get(ROUTES.adminDatasets, async () => store.summaries());

  app.put(ROUTES.adminDataset, async (request, reply) => {
    const { dataset } = parseRequestPart(datasetParamsSchema, request.params, 'params');
    const body = parseRequestPart(seedBodySchema, request.body ?? {}, 'body');
    const { created, summary } = store.seed(dataset, { count: body.count, seed: body.seed ?? defaultSeed });
    return reply.code(created ? 201 : 200).send(summary);
  });

  app.delete(ROUTES.adminDataset, async (request, reply) => {
    const { dataset } = parseRequestPart(datasetParamsSchema, request.params, 'params');
    if (!store.deleteDataset(dataset)) throw new DatasetNotFoundError(dataset);
    policies.forget(dataset);
    return reply.code(204).send();
  });

  app.post(ROUTES.adminItems, async (request, reply) => {
    const { dataset } = parseRequestPart(datasetParamsSchema, request.params, 'params');
    const body = parseRequestPart(newItemBodySchema, request.body, 'body');
    const item = store.createItem(dataset, body);
    return reply.code(201).header(HEADERS.location, `/admin/datasets/${dataset}/items/${item.id}`).send(item);
  });

  app.get(ROUTES.adminItem, async (request) => {
    const { dataset, id } = parseRequestPart(itemParamsSchema, request.params, 'params');
    return store.getItemOrThrow(dataset, id);
  });

  app.patch(ROUTES.adminItem, async (request) => {
    const { dataset, id } = parseRequestPart(itemParamsSchema, request.params, 'params');
    const patch = parseRequestPart(itemPatchBodySchema, request.body ?? {}, 'body');
    return store.updateItem(dataset, id, patch);
  });

  app.delete(ROUTES.adminItem, async (request, reply) => {
    const { dataset, id } = parseRequestPart(itemParamsSchema, request.params, 'params');
    store.deleteItem(dataset, id);
    return reply.code(204).send();
  });

  app.get(ROUTES.adminStats, async () => stats.snapshot());

  app.post(ROUTES.adminStatsReset, async (_request, reply) => {
    stats.reset();
    return reply.code(204).send();
  });
}
