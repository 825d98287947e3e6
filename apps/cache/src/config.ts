// The cache's configuration, parsed once at start. Projection and read settings arrive
// with the cache issue; this is the skeleton's part.
import { z } from 'zod';
import { httpEnv, loadConfig, natsEnv, portEnv, redisEnv } from '@freshet/config';

export const cacheConfigSchema = z.object({ ...httpEnv, ...portEnv(4040), ...natsEnv, ...redisEnv });
export type CacheConfig = z.infer<typeof cacheConfigSchema>;

export function loadCacheConfig(env?: Record<string, string | undefined>): Readonly<CacheConfig> {
  return loadConfig('cache', cacheConfigSchema, env);
}
