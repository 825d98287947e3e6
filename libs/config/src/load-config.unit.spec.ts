import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, httpEnv, loadConfig, natsEnv, portEnv, postgresEnv } from './index';

const schema = z.object({ ...httpEnv, ...portEnv(3000), ...natsEnv, ...postgresEnv, UPSTREAM_URL: z.url() });

describe('loadConfig', () => {
  it('applies defaults and freezes the result', () => {
    const config = loadConfig('svc', schema, { UPSTREAM_URL: 'http://localhost:1' });
    expect(config.PORT).toBe(3000);
    expect(config.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(config.FRESHET_SUBJECT_PREFIX).toBe('freshet');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('coerces numbers from strings', () => {
    const config = loadConfig('svc', schema, { UPSTREAM_URL: 'http://x', PORT: '8080' });
    expect(config.PORT).toBe(8080);
  });

  it('treats an empty variable as unset', () => {
    const config = loadConfig('svc', schema, { UPSTREAM_URL: 'http://x', PORT: '' });
    expect(config.PORT).toBe(3000);
  });

  it('reports every missing or bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig('ingest', schema, { PORT: 'eighty', FRESHET_SUBJECT_PREFIX: 'a.b', DATABASE_URL: 'mysql://x' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.problems.map((p) => p.variable).sort()).toEqual(
      ['DATABASE_URL', 'FRESHET_SUBJECT_PREFIX', 'PORT', 'UPSTREAM_URL'].sort(),
    );
    expect(configError.message).toContain('ingest: invalid configuration (4 problems)');
    expect(configError.message).toMatch(/UPSTREAM_URL: is required but not set/);
    expect(configError.message).toMatch(/PORT: .*\(got "eighty"\)/);
    expect(configError.message).not.toMatch(/PORT: is required/);
  });

  it('replicates streams once by default and accepts 1 to 5 replicas, whole numbers only', () => {
    expect(loadConfig('svc', schema, { UPSTREAM_URL: 'http://x' }).FRESHET_STREAM_REPLICAS).toBe(1);
    expect(loadConfig('svc', schema, { UPSTREAM_URL: 'http://x', FRESHET_STREAM_REPLICAS: '3' }).FRESHET_STREAM_REPLICAS).toBe(3);
    for (const bad of ['0', '6', '2.5', 'three']) {
      const attempt = () => loadConfig('gateway', schema, { UPSTREAM_URL: 'http://x', FRESHET_STREAM_REPLICAS: bad });
      expect(attempt, bad).toThrow(ConfigError);
      expect(attempt, bad).toThrow(`FRESHET_STREAM_REPLICAS: `);
      expect(attempt, bad).toThrow(`(got ${JSON.stringify(bad)})`);
    }
  });

  it('never prints the value of a secret variable', () => {
    const withSecret = z.object({ GATEWAY_JWT_SECRET: z.string().min(32), API_TOKEN: z.string().regex(/^t_/) });
    let error: unknown;
    try {
      loadConfig('gateway', withSecret, { GATEWAY_JWT_SECRET: 'short-but-secret', API_TOKEN: 'leaky-value' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/GATEWAY_JWT_SECRET: .*\(value hidden\)/);
    expect(message).not.toContain('short-but-secret');
    expect(message).not.toContain('leaky-value');
  });
});
