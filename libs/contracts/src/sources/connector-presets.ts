// Presets for the kinds of API our users run. Each validates its own short form and
// expands to a full `http` connector, so the sync engine knows one shape.
import { z } from 'zod';
import { httpAuthSchema, httpConnectorSchema, upstreamUrlSchema, type HttpConnector } from './http-connector';

const name = z.string().min(1).max(100);

const common = {
  baseUrl: upstreamUrlSchema,
  path: z.string().startsWith('/'),
  auth: httpAuthSchema.optional(),
  primaryKey: z.string().min(1).default('id'),
  upstreamId: z.string().min(1).max(200).optional(),
  rateLimit: httpConnectorSchema.shape.rateLimit,
  dailyBudget: httpConnectorSchema.shape.dailyBudget,
  maxPages: z.number().int().positive().max(100_000).optional(),
  timeoutMs: z.number().int().positive().max(120_000).optional(),
};

/** Expands to an `http` connector; anything the full schema refuses is reported, never thrown. */
function expand(input: Record<string, unknown>, ctx: z.RefinementCtx): HttpConnector {
  const result = httpConnectorSchema.safeParse(Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)));
  if (result.success) return result.data;
  for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  return z.NEVER;
}

/** ESI-style: newest-first pages, X-Pages, ETag, Expires, error-limit headers. */
export const esiListPresetSchema = z
  .object({ type: z.literal('esi-list'), ...common })
  .strict()
  .transform(({ type: _type, ...rest }, ctx) =>
    expand({
      ...rest,
      type: 'http',
      pagination: { type: 'pageNumber', pageParam: 'page', startPage: 1, totalPagesHeader: 'x-pages' },
      incremental: { strategy: 'stopAtId' },
      respectExpires: true,
    }, ctx),
  );

/** A generic REST list that answers `?updated_since=` with changes, oldest first. */
export const restUpdatedSincePresetSchema = z
  .object({
    type: z.literal('rest-updated-since'),
    ...common,
    updatedField: z.string().min(1).default('updatedAt'),
    updatedParam: name.default('updated_since'),
    pageSize: z.number().int().positive().max(10_000).optional(),
  })
  .strict()
  .transform(({ type: _type, updatedField, updatedParam, pageSize, ...rest }, ctx) =>
    expand({
      ...rest,
      type: 'http',
      pagination: { type: 'pageNumber', pageParam: 'page', startPage: 1, ...(pageSize ? { pageSizeParam: 'page_size', pageSize } : {}) },
      incremental: { strategy: 'updatedSince', param: updatedParam, field: updatedField },
    }, ctx),
  );

/** The foundation's paged list (page number + total-pages header, full listing). */
export const pagedHttpListPresetSchema = z
  .object({
    type: z.literal('http-paged-list'),
    ...common,
    pageParam: name.default('page'),
    totalPagesHeader: name.default('x-pages'),
  })
  .strict()
  .transform(({ type: _type, pageParam, totalPagesHeader, ...rest }, ctx) =>
    expand({ ...rest, type: 'http', pagination: { type: 'pageNumber', pageParam, startPage: 1, totalPagesHeader }, incremental: { strategy: 'full' } }, ctx),
  );
