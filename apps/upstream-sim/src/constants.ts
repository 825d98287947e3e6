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
} as const;

export const ROUTES = {
  listItems: '/v1/datasets/:dataset/items',
  adminDatasets: '/admin/datasets',
  adminDataset: '/admin/datasets/:dataset',
  adminItems: '/admin/datasets/:dataset/items',
  adminItem: '/admin/datasets/:dataset/items/:id',
  adminStats: '/admin/stats',
  adminStatsReset: '/admin/stats/reset',
} as const;

export const DEFAULTS = {
  port: 4010,
  seed: 42,
  datasets: 'demo:120',
  pageSize: 50,
  cacheMaxAgeSeconds: 0,
} as const;

export const LIMITS = {
  /** Largest dataset one seeding may create (keeps a typo from eating the heap). */
  maxSeedCount: 1_000_000,
  maxPageSize: 1_000,
  maxNameLength: 200,
  /** Seeds are 32-bit, as the PRNG consumes them. */
  maxSeed: 0xffff_ffff,
} as const;

export const DATASET_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const DATASET_NAME_RULE = "1-64 characters of A-Z, a-z, 0-9, '_' or '-'";

/** Seeded items start here, so the same (seed, count) gives the same timestamps every run. */
export const SEED_BASE_TIME_MS = Date.UTC(2024, 0, 1, 0, 0, 0);
