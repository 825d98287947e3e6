// Protocol literals and limits of the simulated upstream, defined once: header names,
// route paths, defaults and bounds. Nothing else spells these out.

export const SERVICE_NAME = 'upstream-sim';

export const HEADERS = {
  totalPages: 'X-Pages',
  etag: 'ETag',
  ifNoneMatch: 'if-none-match',
  cacheControl: 'Cache-Control',
  expires: 'Expires',
  lastModified: 'Last-Modified',
  location: 'Location',
  /** RFC 8288 web links (rel="next" etc.) on the link-paged list. */
  link: 'Link',
  /** Seconds to wait after a 429 (RFC 9110 §10.2.3). */
  retryAfter: 'Retry-After',
  /** ESI's error budget: errors left in the window, and seconds until it resets. */
  errorLimitRemain: 'X-ESI-Error-Limit-Remain',
  errorLimitReset: 'X-ESI-Error-Limit-Reset',
} as const;

export const ROUTES = {
  listItems: '/v1/datasets/:dataset/items',
  listCursorItems: '/v1/datasets/:dataset/cursor-items',
  listLinkItems: '/v1/datasets/:dataset/link-items',
  listOffsetItems: '/v1/datasets/:dataset/offset-items',
  adminDatasets: '/admin/datasets',
  adminDataset: '/admin/datasets/:dataset',
  adminDatasetLimits: '/admin/datasets/:dataset/limits',
  adminDatasetFaults: '/admin/datasets/:dataset/faults',
  adminDatasetCache: '/admin/datasets/:dataset/cache',
  adminItems: '/admin/datasets/:dataset/items',
  adminItem: '/admin/datasets/:dataset/items/:id',
  adminStats: '/admin/stats',
  adminStatsReset: '/admin/stats/reset',
} as const;

/** The public list styles, as named in /admin/stats `requestsByRoute`. */
export const LIST_STYLES = ['items', 'cursorItems', 'linkItems', 'offsetItems'] as const;
export type ListStyle = (typeof LIST_STYLES)[number];

/** Query parameter names of the public lists. */
export const QUERY = {
  page: 'page',
  pageSize: 'page_size',
  updatedSince: 'updated_since',
  cursor: 'cursor',
  limit: 'limit',
  offset: 'offset',
} as const;

/** ESI answers 420 "Error Limited" while a client's error budget is spent. */
export const ERROR_LIMITED_STATUS = 420;
export const ERROR_LIMITED_REASON = 'Error Limited';

/** Injected faults rename the primary key `id` to this (a page that changed shape). */
export const SHAPE_CHANGED_KEY = 'item_id';

export const DEFAULTS = {
  port: 4010,
  seed: 42,
  datasets: 'demo:120',
  pageSize: 50,
  cacheMaxAgeSeconds: 0,
  /** ESI's own budget: 100 error responses per 60 s window. */
  errorLimit: 100,
  errorWindowSeconds: 60,
} as const;

export const LIMITS = {
  /** Largest dataset one seeding may create (keeps a typo from eating the heap). */
  maxSeedCount: 1_000_000,
  maxPageSize: 1_000,
  maxNameLength: 200,
  /** Seeds are 32-bit, as the PRNG consumes them. */
  maxSeed: 0xffff_ffff,
  maxRequestsPerSecond: 1_000_000,
  maxBurst: 1_000_000,
  maxErrorLimit: 1_000_000,
  maxErrorWindowSeconds: 86_400,
  maxLatencyMs: 60_000,
  maxFaultCount: 1_000_000,
  maxCacheMaxAgeSeconds: 31_536_000,
  maxRetryAfterSeconds: 86_400,
} as const;

export const DATASET_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const DATASET_NAME_RULE = "1-64 characters of A-Z, a-z, 0-9, '_' or '-'";

/** Seeded items start here, so the same (seed, count) gives the same timestamps every run. */
export const SEED_BASE_TIME_MS = Date.UTC(2024, 0, 1, 0, 0, 0);
