import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { DEV_JWT_SECRET, devGatewayAuthEnv, devToken, GATEWAY_SCOPES } from './dev-token';

const verify = (token: string, options: { audience?: string; issuer?: string } = {}) =>
  jwtVerify(token, new TextEncoder().encode(DEV_JWT_SECRET), {
    algorithms: ['HS256'],
    issuer: options.issuer ?? 'freshet',
    audience: options.audience ?? 'freshet-gateway',
    requiredClaims: ['exp', 'sub'],
  });

describe('development token', () => {
  it('is an HS256 JWT the gateway’s defaults accept: iss, aud, sub, exp, tenant and every scope', async () => {
    const token = await devToken({ tenant: 'demo' });
    expect(decodeProtectedHeader(token).alg).toBe('HS256');
    const { payload } = await verify(token);
    expect(payload).toMatchObject({ iss: 'freshet', aud: 'freshet-gateway', sub: 'dev', tenant: 'demo', scope: GATEWAY_SCOPES.join(' ') });
    expect(payload.exp! - payload.iat!).toBe(12 * 3600);
    expect(typeof payload.jti).toBe('string');
  });

  it('takes scopes and a lifetime in seconds or as a duration', async () => {
    const short = (await verify(await devToken({ tenant: 'acme', scopes: ['sources:read'], ttl: 60 }))).payload;
    expect(short.scope).toBe('sources:read');
    expect(short.exp! - short.iat!).toBe(60);
    const hour = (await verify(await devToken({ tenant: 'acme', ttl: '1h' }))).payload;
    expect(hour.exp! - hour.iat!).toBe(3600);
  });

  it('uses a secret long enough for the gateway and obviously not for production', () => {
    expect(DEV_JWT_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(DEV_JWT_SECRET).toMatch(/dev/i);
  });

  it('lists exactly the gateway’s scopes', () => {
    // tools may not import an app; read the gateway's list instead.
    const source = readFileSync('apps/gateway/src/auth/principal.ts', 'utf8');
    const list = /export const SCOPES = \[([^\]]*)\] as const/.exec(source)?.[1];
    expect(list?.split(',').map((s) => s.trim().replace(/^'|'$/g, ''))).toEqual([...GATEWAY_SCOPES]);
  });
});

describe('development gateway variables', () => {
  it('give the gateway the dev secret and an http-friendly cookie unless configured otherwise', () => {
    expect(devGatewayAuthEnv({})).toEqual({ GATEWAY_JWT_SECRET: DEV_JWT_SECRET, GATEWAY_SESSION_COOKIE_SECURE: 'false' });
    expect(devGatewayAuthEnv({ GATEWAY_JWT_SECRET: '' })).toMatchObject({ GATEWAY_JWT_SECRET: DEV_JWT_SECRET });
    expect(devGatewayAuthEnv({ GATEWAY_JWT_SECRET: 'mine', GATEWAY_SESSION_COOKIE_SECURE: 'true' })).toEqual({});
    expect(devGatewayAuthEnv({ GATEWAY_JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----' })).toEqual({ GATEWAY_SESSION_COOKIE_SECURE: 'false' });
  });
});
