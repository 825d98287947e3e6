import { describe, expect, it } from 'vitest';
import { ConfigError } from '@freshet/config';
import { composeServiceEnv } from '@freshet/testkit';
import { loadIngestConfig, ingestConfigSchema } from './config';

describe('ingest config', () => {
  it('knows every variable docker-compose.yml sets for it, and accepts their values', () => {
    const env = composeServiceEnv('ingest');
    expect(Object.keys(env).filter((key) => !(key in ingestConfigSchema.shape))).toEqual([]);
    expect(() => loadIngestConfig(env)).not.toThrow();
  });

  it('starts with defaults only', () => {
    expect(() => loadIngestConfig({})).not.toThrow();
  });

  it('names every bad variable at once', () => {
    const error = (() => {
      try {
        loadIngestConfig({ PORT: 'http', NATS_URL: 'localhost:4222' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual(['NATS_URL', 'PORT']);
  });
});
