import { describe, expect, it } from 'vitest';
import { ConfigError } from '@freshet/config';
import { composeServiceEnv } from '@freshet/testkit';
import { loadSchedulerConfig, schedulerConfigSchema } from './config';

describe('sync-scheduler config', () => {
  it('knows every variable docker-compose.yml sets for it, and accepts their values', () => {
    const env = composeServiceEnv('sync-scheduler');
    expect(Object.keys(env).filter((key) => !(key in schedulerConfigSchema.shape))).toEqual([]);
    expect(() => loadSchedulerConfig(env)).not.toThrow();
  });

  it('starts with defaults only', () => {
    expect(() => loadSchedulerConfig({})).not.toThrow();
  });

  it('names every bad variable at once', () => {
    const error = (() => {
      try {
        loadSchedulerConfig({ PORT: 'http', NATS_URL: 'localhost:4222' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual(['NATS_URL', 'PORT']);
  });
});
