// The simulator's environment, validated once at start (see @freshet/config).
import { httpEnv, loadConfig, portEnv } from '@freshet/config';
import { z } from 'zod';
import { DEFAULTS, LIMITS, SERVICE_NAME } from './constants';
import { parseDatasetSpecs, type DatasetSpec } from './dataset-specs';

const datasetSpecs = z
  .string()
  .default(DEFAULTS.datasets)
  .transform((text, ctx): DatasetSpec[] => {
    const result = parseDatasetSpecs(text);
    if (result.ok) return result.specs;
    for (const problem of result.problems) ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  });

export const upstreamSimConfigSchema = z.object({
  ...httpEnv,
  ...portEnv(DEFAULTS.port),
  SIM_SEED: z.coerce.number().int().min(0).max(LIMITS.maxSeed).default(DEFAULTS.seed),
  /** Comma list of name:count seeded at start, e.g. "demo:120,orders:5000". */
  SIM_DATASETS: datasetSpecs,
  SIM_PAGE_SIZE: z.coerce.number().int().min(1).max(LIMITS.maxPageSize).default(DEFAULTS.pageSize),
  /** Cache-Control max-age of list pages; 0 makes clients revalidate every time. */
  SIM_CACHE_MAX_AGE_SECONDS: z.coerce.number().int().min(0).default(DEFAULTS.cacheMaxAgeSeconds),
  /** Default ESI error budget of every dataset: errors allowed per window (admin API overrides per dataset). */
  SIM_ERROR_LIMIT: z.coerce.number().int().min(1).max(LIMITS.maxErrorLimit).default(DEFAULTS.errorLimit),
  SIM_ERROR_WINDOW_SECONDS: z.coerce.number().int().min(1).max(LIMITS.maxErrorWindowSeconds).default(DEFAULTS.errorWindowSeconds),
});

export type UpstreamSimConfig = Readonly<z.infer<typeof upstreamSimConfigSchema>>;

export function loadUpstreamSimConfig(env?: Record<string, string | undefined>): UpstreamSimConfig {
  return loadConfig(SERVICE_NAME, upstreamSimConfigSchema, env);
}
