// Presets for the kinds of API our users run. Each validates its own short form and
// expands to a full `http` connector, so the sync engine knows one shape.
import { z } from 'zod';
import { httpAuthSchema, httpConnectorSchema, type HttpConnector } from './http-connector';

const common = {
  baseUrl: z.url({ protocol: /^https?$/ }),
  path: z.string().startsWith('/'),
  auth: httpAuthSchema.optional(),
  primaryKey: z.string().min(1).default('id'),
  upstreamId: z.string().min(1).max(200).optional(),
  rateLimit: z.object({ requestsPerSecond: z.number().positive(), burst: z.number().int().positive().optional() }).strict().optional(),
  maxPages: z.number().int().positive().max(100_000).optional(),
  timeoutMs: z.number().int().positive().max(120_000).optional(),
};

function expand(input: Record<string, unknown>): HttpConnector {
  return httpConnectorSchema.parse(Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)));
}

/** ESI-style: newest-first pages, X-Pages, ETag, Expires, error-limit headers. */
export const esiListPresetSchema = z
  .object({ type: z.literal('esi-list'), ...common })
  .strict()
  .transform(({ type: _type, ...rest }) =>
    expand({
      ...rest,
      type: 'http',
      pagination: { type: 'pageNumber', pageParam: 'page', startPage: 1, totalPagesHeader: 'x-pages' },
      incremental: { strategy: 'stopAtId' },
    }),
  );

/** A generic REST list that answers `?updated_since=` with changes, oldest first. */
export const restUpdatedSincePresetSchema = z
  .object({
    type: z.literal('rest-updated-since'),
    ...common,
    updatedField: z.string().min(1).default('updatedAt'),
    updatedParam: z.string().min(1).default('updated_since'),
    pageSize: z.number().int().positive().max(10_000).optional(),
  })
  .strict()
  .transform(({ type: _type, updatedField, updatedParam, pageSize, ...rest }) =>
    expand({
      ...rest,
      type: 'http',
      pagination: { type: 'pageNumber', pageParam: 'page', startPage: 1, ...(pageSize ? { pageSizeParam: 'page_size', pageSize } : {}) },
      incremental: { strategy: 'updatedSince', param: updatedParam, field: updatedField },
    }),
  );

/** The foundation's paged list (page number + total-pages header, full listing). */
export const pagedHttpListPresetSchema = z
  .object({
    type: z.literal('http-paged-list'),
    ...common,
    pageParam: z.string().min(1).default('page'),
    totalPagesHeader: z.string().min(1).default('x-pages'),
  })
  .strict()
  .transform(({ type: _type, pageParam, totalPagesHeader, ...rest }) =>
    expand({ ...rest, type: 'http', pagination: { type: 'pageNumber', pageParam, startPage: 1, totalPagesHeader }, incremental: { strategy: 'full' } }),
  );
