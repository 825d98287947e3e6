import { describe, expect, it } from 'vitest';
import { ConfigError } from '@freshet/config';
import { composeServiceEnv } from '@freshet/testkit';
import { loadCacheConfig, cacheConfigSchema } from './config';

describe('cache config', () => {
  it('knows every variable docker-compose.yml sets for it, and accepts their values', () => {
    const env = composeServiceEnv('cache');
    expect(Object.keys(env).filter((key) => !(key in cacheConfigSchema.shape))).toEqual([]);
    expect(() => loadCacheConfig(env)).not.toThrow();
  });

  it('starts with defaults only', () => {
    expect(() => loadCacheConfig({})).not.toThrow();
  });

  it('names every bad variable at once', () => {
    const error = (() => {
      try {
        loadCacheConfig({ PORT: 'http', NATS_URL: 'localhost:4222' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual(['NATS_URL', 'PORT']);
  });
});
