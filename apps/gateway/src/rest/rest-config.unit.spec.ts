import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@freshet/config';
import { restConfigSchema } from './rest-config';
import { rateLimitKey } from './http-policies';

const load = (env: Record<string, string>) => loadConfig('gateway', restConfigSchema, env);

describe('REST config', () => {
  it('defaults to same-origin only, 600 requests a minute and 64 KiB bodies', () => {
    expect(load({})).toEqual({ GATEWAY_CORS_ORIGINS: [], GATEWAY_RATE_LIMIT_PER_MIN: 600, GATEWAY_BODY_LIMIT_BYTES: 65_536, GATEWAY_TRUSTED_PROXY_HOPS: 0 });
  });

  it('reads a comma list of origins', () => {
    expect(load({ GATEWAY_CORS_ORIGINS: ' https://app.example.com, http://localhost:5173 ,' }).GATEWAY_CORS_ORIGINS).toEqual(['https://app.example.com', 'http://localhost:5173']);
  });

  it('refuses what is not an origin, naming it', () => {
    for (const bad of ['*', 'https://app.example.com/', 'https://app.example.com/path', 'app.example.com', 'ftp://x.example']) {
      expect(() => load({ GATEWAY_CORS_ORIGINS: bad }), bad).toThrow(/GATEWAY_CORS_ORIGINS/);
    }
    expect(() => load({ GATEWAY_RATE_LIMIT_PER_MIN: '0' })).toThrow(/GATEWAY_RATE_LIMIT_PER_MIN/);
    expect(() => load({ GATEWAY_BODY_LIMIT_BYTES: '12' })).toThrow(/GATEWAY_BODY_LIMIT_BYTES/);
  });
});

describe('rate limit key', () => {
  const keyOf = async (headers: Record<string, string>) => {
    const app = Fastify();
    app.get('/', async (request) => ({ key: rateLimitKey(request) }));
    const key = (await app.inject({ url: '/', headers })).json<{ key: string }>().key;
    await app.close();
    return key;
  };

  it('is a hash of the credential (bearer or session cookie), else the client IP', async () => {
    const bearerKey = await keyOf({ authorization: 'Bearer secret-token' });
    expect(bearerKey).toMatch(/^credential:[\w-]{22}$/);
    expect(bearerKey).not.toContain('secret');
    expect(await keyOf({ authorization: 'bearer secret-token' })).toBe(bearerKey);
    expect(await keyOf({ cookie: 'a=1; freshet_session=secret-token' })).toBe(bearerKey);
    expect(await keyOf({ authorization: 'Bearer other' })).not.toBe(bearerKey);
    expect(await keyOf({})).toBe('ip:127.0.0.1');
    expect(await keyOf({ authorization: 'Basic abc' })).toBe('ip:127.0.0.1');
  });
});
