// zod schemas for everything a client sends: path parameters and admin bodies. Bodies are
// strict, so a misspelt field is a 400 instead of a silent no-op.
import { z } from 'zod';
import { DATASET_NAME_PATTERN, DATASET_NAME_RULE, LIMITS } from './constants';

export const datasetNameSchema = z.string().regex(DATASET_NAME_PATTERN, `must be ${DATASET_NAME_RULE}`);

export const itemIdSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,14}$/, 'must be a positive integer')
  .transform(Number);

export const datasetParamsSchema = z.object({ dataset: datasetNameSchema });
export const itemParamsSchema = z.object({ dataset: datasetNameSchema, id: itemIdSchema });

const itemName = z.string().trim().min(1).max(LIMITS.maxNameLength);
const cents = z.number().int().min(0);
const quantity = z.number().int().min(0);

export const seedBodySchema = z.strictObject({
  count: z.number().int().min(0).max(LIMITS.maxSeedCount).default(0),
  seed: z.number().int().min(0).max(LIMITS.maxSeed).optional(),
});

export const newItemBodySchema = z.strictObject({
  name: itemName,
  price: cents.optional(),
  quantity: quantity.optional(),
});

/** An empty patch is allowed: it only bumps updatedAt (a "touch"). */
export const itemPatchBodySchema = z.strictObject({
  name: itemName.optional(),
  price: cents.optional(),
  quantity: quantity.optional(),
});

export const limitsBodySchema = z
  .strictObject({
    requestsPerSecond: z.number().positive().max(LIMITS.maxRequestsPerSecond).optional(),
    burst: z.number().int().min(1).max(LIMITS.maxBurst).optional(),
    errorLimit: z.number().int().min(1).max(LIMITS.maxErrorLimit).optional(),
    errorWindowSeconds: z.number().int().min(1).max(LIMITS.maxErrorWindowSeconds).optional(),
  })
  .refine((limits) => limits.burst === undefined || limits.requestsPerSecond !== undefined, {
    message: 'burst needs requestsPerSecond',
    path: ['burst'],
  });

const pageNumber = z.number().int().min(1);
const faultCount = z.number().int().min(1).max(LIMITS.maxFaultCount);

export const faultsBodySchema = z.strictObject({
  latencyMs: z.number().int().min(0).max(LIMITS.maxLatencyMs).optional(),
  failNext: z
    .strictObject({
      count: faultCount,
      status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]),
      retryAfterSeconds: z.number().int().min(0).max(LIMITS.maxRetryAfterSeconds).optional(),
    })
    .optional(),
  malformedPages: z.array(pageNumber).max(1000).optional(),
  shapeChangeAfterPage: z.number().int().min(0).optional(),
  duplicateIdsOnPage: pageNumber.optional(),
  dropConnectionNext: faultCount.optional(),
});

export const cacheBodySchema = z.strictObject({
  maxAgeSeconds: z.number().int().min(0).max(LIMITS.maxCacheMaxAgeSeconds),
  aligned: z.boolean().default(false),
});
