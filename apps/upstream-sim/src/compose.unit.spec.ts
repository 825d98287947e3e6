import { describe, expect, it } from 'vitest';
import { composeServiceEnv } from '@freshet/testkit';
import { loadUpstreamSimConfig, upstreamSimConfigSchema } from './config';

describe('upstream-sim in docker-compose.yml', () => {
  it('sets only variables its config knows, with valid values', () => {
    const env = composeServiceEnv('upstream-sim');
    expect(Object.keys(env).filter((key) => !(key in upstreamSimConfigSchema.shape))).toEqual([]);
    expect(() => loadUpstreamSimConfig(env)).not.toThrow();
  });
});
