// The declarative HTTP connector: everything ingest needs to page through a JSON list
// API and sync it incrementally, as configuration.
import { z } from 'zod';
import { secretReferenceSchema } from './secret-reference';

const name = z.string().min(1).max(100);

// Credentials belong in `auth` with a secret reference, never in the config itself: a
// config is stored, returned by APIs and ends up in error messages.
const CREDENTIAL_HEADER = /^(authorization|proxy-authorization|cookie|x-api-key|api-key|apikey)$|token|secret|passw/i;
const CREDENTIAL_PARAM = /^(api[_-]?key|apikey|key|access[_-]?token|token|secret|password|passwd|sig|signature|auth)$/i;
const USE_AUTH = 'looks like a credential: configure it with `auth` and a secret reference instead';

export const upstreamUrlSchema = z.url({ protocol: /^https?$/ }).refine((url) => {
  try {
    const parsed = new URL(url);
    return parsed.username === '' && parsed.password === '';
  } catch {
    return true; // not a URL at all: z.url() already said so
  }
}, `must not contain a user or password: ${USE_AUTH}`);

function withoutCredentials(pattern: RegExp) {
  return z.record(z.string(), z.string()).superRefine((record, ctx) => {
    for (const key of Object.keys(record)) if (pattern.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: USE_AUTH });
  });
}

export const httpAuthSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  z.object({ type: z.literal('header'), header: name, secret: secretReferenceSchema }).strict(),
  z.object({ type: z.literal('bearer'), secret: secretReferenceSchema }).strict(),
  z.object({ type: z.literal('query'), param: name, secret: secretReferenceSchema }).strict(),
]);
export type HttpAuth = z.infer<typeof httpAuthSchema>;

export const paginationSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('pageNumber'),
      pageParam: name.default('page'),
      startPage: z.number().int().min(0).default(1),
      /** Header holding the page count; without it an empty page ends the list. */
      totalPagesHeader: name.optional(),
      pageSizeParam: name.optional(),
      pageSize: z.number().int().positive().max(10_000).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('cursor'),
      cursorParam: name.default('cursor'),
      /** Dotted path of the next cursor in the body; null, missing or '' ends the list. */
      nextCursorPath: z.string().min(1).default('next_cursor'),
      limitParam: name.optional(),
      limit: z.number().int().positive().max(10_000).optional(),
    })
    .strict(),
  z.object({ type: z.literal('link') }).strict(),
  z
    .object({
      type: z.literal('offset'),
      offsetParam: name.default('offset'),
      limitParam: name.default('limit'),
      limit: z.number().int().positive().max(10_000).default(100),
      /** Dotted path of the total count in the body, when the API returns one. */
      totalPath: z.string().min(1).optional(),
    })
    .strict(),
]);
export type Pagination = z.infer<typeof paginationSchema>;

export const incrementalSchema = z.discriminatedUnion('strategy', [
  /** Page everything; keys missing from the listing are deletions. */
  z.object({ strategy: z.literal('full') }).strict(),
  /** Newest-first lists: stop at the newest id of the last sync. Page 1 is asked conditionally when the API sends ETags. */
  z.object({ strategy: z.literal('stopAtId') }).strict(),
  /** Send the highest `field` seen as `param`; the API answers changes oldest first. */
  z
    .object({
      strategy: z.literal('updatedSince'),
      param: name.default('updated_since'),
      field: z.string().min(1).default('updatedAt'),
    })
    .strict(),
  /** Ask page 1 with If-None-Match: 304 means nothing changed; otherwise a full listing. */
  z.object({ strategy: z.literal('etag') }).strict(),
]);
export type Incremental = z.infer<typeof incrementalSchema>;
export type IncrementalStrategy = Incremental['strategy'];

export const httpConnectorSchema = z
  .object({
    type: z.literal('http'),
    baseUrl: upstreamUrlSchema,
    /** Path of the list, e.g. /v1/datasets/demo/items. */
    path: z.string().startsWith('/'),
    query: withoutCredentials(CREDENTIAL_PARAM).default({}),
    headers: withoutCredentials(CREDENTIAL_HEADER).default({}),
    auth: httpAuthSchema.default({ type: 'none' }),
    /** Dotted path of the record array in the body; '' when the body is the array. */
    recordSelector: z.string().default(''),
    /** Field holding each record's primary key. */
    primaryKey: z.string().min(1).default('id'),
    pagination: paginationSchema.default({ type: 'pageNumber', pageParam: 'page', startPage: 1 }),
    incremental: incrementalSchema.default({ strategy: 'full' }),
    /** What a record without a usable key does: fail the job, or skip it and count it. */
    onInvalidRecord: z.enum(['fail', 'skip']).default('fail'),
    /** Shared across replicas; omit for no client-side limit. */
    rateLimit: z.object({ requestsPerSecond: z.number().positive().max(10_000), burst: z.number().int().positive().optional() }).strict().optional(),
    /**
     * A daily request budget for the upstream (shared by every source on it): when no more
     * than `reserveShare` of it is left, background jobs wait for the next UTC day and only
     * jobs a user is waiting for (priority 10) still run.
     */
    dailyBudget: z
      .object({ requests: z.number().int().positive(), reserveShare: z.number().min(0).max(1).default(0.2) })
      .strict()
      .optional(),
    /** Skip syncs while page 1's `Expires` is in the future (ESI-style caches); a full refresh ignores it. */
    respectExpires: z.boolean().default(false),
    /** A pause between pages, for APIs that ask for one. */
    perPageDelayMs: z.number().int().min(0).max(60_000).default(0),
    /** Identifies the upstream for shared limits; defaults to the base URL's host. */
    upstreamId: z.string().min(1).max(200).optional(),
    maxPages: z.number().int().positive().max(100_000).default(1_000),
    timeoutMs: z.number().int().positive().max(120_000).default(10_000),
  })
  .strict();
export type HttpConnector = z.infer<typeof httpConnectorSchema>;
export type HttpConnectorInput = z.input<typeof httpConnectorSchema>;
