import { describe, expect, it } from 'vitest';
import { ConfigError } from '@freshet/config';
import { composeServiceEnv } from '@freshet/testkit';
import { loadGatewayConfig, gatewayConfigSchema } from './config';

describe('gateway config', () => {
  it('knows every variable docker-compose.yml sets for it, and accepts their values', () => {
    const env = composeServiceEnv('gateway');
    expect(Object.keys(env).filter((key) => !(key in gatewayConfigSchema.shape))).toEqual([]);
    expect(() => loadGatewayConfig(env)).not.toThrow();
  });

  it('starts with defaults only', () => {
    expect(() => loadGatewayConfig({})).not.toThrow();
  });

  it('names every bad variable at once', () => {
    const error = (() => {
      try {
        loadGatewayConfig({ PORT: 'http', NATS_URL: 'localhost:4222' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual(['NATS_URL', 'PORT']);
  });
});
