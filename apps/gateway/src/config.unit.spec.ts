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

  it('starts with defaults and one way to check credentials, and refuses to start with none', () => {
    expect(() => loadGatewayConfig({ GATEWAY_JWT_SECRET: 'a-secret-of-at-least-thirty-two-characters' })).not.toThrow();
    expect(() => loadGatewayConfig({})).toThrow(/GATEWAY_JWT_SECRET, GATEWAY_JWT_PUBLIC_KEY or GATEWAY_API_KEYS_FILE/);
  });

  it('names every bad variable at once', () => {
    const error = (() => {
      try {
        loadGatewayConfig({ PORT: 'http', NATS_URL: 'localhost:4222', GATEWAY_JWT_SECRET: 'a-secret-of-at-least-thirty-two-characters' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual(['NATS_URL', 'PORT']);
  });
});
