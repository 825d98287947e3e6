import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig, type ConfigError } from '@freshet/config';
import { defaultGatewayInstanceId, demandConfigRule, demandEnv } from './demand-config';

const schema = z.object({ ...demandEnv }).superRefine(demandConfigRule);
const load = (env: Record<string, string>) => loadConfig('gateway', schema, env);
const problems = (env: Record<string, string>) => {
  try {
    load(env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems.map((p) => p.variable);
  }
};

describe('demand config', () => {
  it('defaults to a 60 s TTL refreshed every 20 s, under a valid instance id', () => {
    const config = load({});
    expect(config).toMatchObject({ GATEWAY_DEMAND_TTL_MS: 60_000, GATEWAY_DEMAND_REFRESH_MS: 20_000 });
    expect(config.GATEWAY_INSTANCE_ID).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });

  it('takes values from the environment', () => {
    expect(load({ GATEWAY_DEMAND_TTL_MS: '30000', GATEWAY_DEMAND_REFRESH_MS: '10000', GATEWAY_INSTANCE_ID: 'gw-2' })).toMatchObject({
      GATEWAY_DEMAND_TTL_MS: 30_000,
      GATEWAY_DEMAND_REFRESH_MS: 10_000,
      GATEWAY_INSTANCE_ID: 'gw-2',
    });
  });

  it('names bad values', () => {
    expect(problems({ GATEWAY_DEMAND_TTL_MS: '500', GATEWAY_DEMAND_REFRESH_MS: '100', GATEWAY_INSTANCE_ID: 'gw.example.com' }).sort()).toEqual(['GATEWAY_DEMAND_TTL_MS', 'GATEWAY_INSTANCE_ID']);
    expect(problems({ GATEWAY_DEMAND_TTL_MS: '30000', GATEWAY_DEMAND_REFRESH_MS: '20000' })).toEqual(['GATEWAY_DEMAND_REFRESH_MS']);
  });

  it('makes a hostname with dots a valid instance id', () => {
    expect(defaultGatewayInstanceId('gw-1.eu-west-1.compute.internal', 42)).toBe('gw-1-eu-west-1-compute-internal-42');
    expect(defaultGatewayInstanceId('...', 7)).toBe('gateway-7');
    expect(defaultGatewayInstanceId('h'.repeat(100), 4_194_304)).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });
});
