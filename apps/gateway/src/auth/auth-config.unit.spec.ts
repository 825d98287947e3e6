import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, httpEnv, loadConfig, natsEnv } from '@freshet/config';
import { checkGatewayAuthEnv, gatewayAuthEnv, NO_CREDENTIAL_SOURCE, resolveAuthSettings } from './auth-config';

// Composed the way the gateway's config composes it.
const schema = z.object({ ...httpEnv, ...natsEnv, ...gatewayAuthEnv }).superRefine(checkGatewayAuthEnv);
const load = (env: Record<string, string>) => loadConfig('gateway', schema, env);
const problemsOf = (env: Record<string, string>): ConfigError => {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const pem = (key: { export(options: { type: 'spki'; format: 'pem' }): string | Buffer }) => key.export({ type: 'spki', format: 'pem' }).toString();
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ecP256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const ecP384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
const ed25519 = generateKeyPairSync('ed25519');

describe('gateway access config', () => {
  it('applies the defaults around a secret', () => {
    const config = load({ GATEWAY_JWT_SECRET: SECRET });
    expect(config.GATEWAY_JWT_ALGORITHMS).toEqual(['HS256']);
    expect(config.GATEWAY_JWT_ISSUER).toBe('freshet');
    expect(config.GATEWAY_JWT_AUDIENCE).toBe('freshet-gateway');
    expect(config.GATEWAY_SESSION_COOKIE_SECURE).toBe(true);
    expect(config.GATEWAY_TICKET_TTL_MS).toBe(30_000);
    expect(config.GATEWAY_CLOCK_TOLERANCE_S).toBe(5);
    expect(resolveAuthSettings(config).settings).toMatchObject({ jwt: { algorithms: ['HS256'], issuer: 'freshet', audience: 'freshet-gateway', clockToleranceS: 5 }, cookieSecure: true, ticketTtlMs: 30_000 });
  });

  it('keeps the secret out of anything printed or serialised', () => {
    const config = load({ GATEWAY_JWT_SECRET: SECRET });
    expect(JSON.stringify(config)).not.toContain(SECRET);
    expect(inspect(config, { depth: 5 })).not.toContain(SECRET);
    expect(`${String(config.GATEWAY_JWT_SECRET)}`).toBe('[redacted]');
    expect(config.GATEWAY_JWT_SECRET?.reveal()).toBe(SECRET);
  });

  it('fails without any credential source, naming the variables that would give one', () => {
    const error = problemsOf({});
    expect(error.problems).toHaveLength(1);
    expect(error.message).toContain(NO_CREDENTIAL_SOURCE);
    for (const variable of ['GATEWAY_JWT_SECRET', 'GATEWAY_JWT_PUBLIC_KEY', 'GATEWAY_API_KEYS_FILE']) expect(error.message).toContain(variable);
  });

  it('runs with API keys only, JWTs then off', () => {
    const config = load({ GATEWAY_API_KEYS_FILE: '/etc/freshet/keys.json' });
    expect(resolveAuthSettings(config).settings).toMatchObject({ apiKeysFile: '/etc/freshet/keys.json' });
    expect(resolveAuthSettings(config).settings?.jwt).toBeUndefined();
  });

  it('parses the algorithm list and refuses unknown algorithms, none included', () => {
    expect(load({ GATEWAY_JWT_SECRET: SECRET, GATEWAY_JWT_ALGORITHMS: ' HS512 , HS256,HS512' }).GATEWAY_JWT_ALGORITHMS).toEqual(['HS512', 'HS256']);
    for (const value of ['none', 'HS256,none', 'hs256', 'PS256', ',']) {
      const error = problemsOf({ GATEWAY_JWT_SECRET: SECRET, GATEWAY_JWT_ALGORITHMS: value });
      expect(error.problems.map((p) => p.variable)).toEqual(['GATEWAY_JWT_ALGORITHMS']);
      expect(error.message).toContain('HS256, HS384, HS512, RS256, RS384, RS512, ES256, ES384, EdDSA');
    }
  });

  it('refuses an HS* algorithm with only a public key, and an asymmetric one with only a secret', () => {
    const hsWithKey = problemsOf({ GATEWAY_JWT_ALGORITHMS: 'HS256,RS256', GATEWAY_JWT_PUBLIC_KEY: pem(rsa.publicKey) });
    expect(hsWithKey.problems).toEqual([{ variable: 'GATEWAY_JWT_ALGORITHMS', message: expect.stringContaining('HS256 needs GATEWAY_JWT_SECRET, which is not set') }]);
    const rsWithSecret = problemsOf({ GATEWAY_JWT_ALGORITHMS: 'RS256', GATEWAY_JWT_SECRET: SECRET });
    expect(rsWithSecret.message).toContain('RS256 needs GATEWAY_JWT_PUBLIC_KEY, which is not set');
    expect(rsWithSecret.message).toContain('GATEWAY_JWT_SECRET is set but no HS* algorithm is accepted');
    const keyUnused = problemsOf({ GATEWAY_JWT_SECRET: SECRET, GATEWAY_JWT_PUBLIC_KEY: pem(rsa.publicKey) });
    expect(keyUnused.message).toContain('GATEWAY_JWT_PUBLIC_KEY is set but no RS*, ES* or EdDSA algorithm is accepted');
  });

  it('accepts a secret and a public key side by side', () => {
    const config = load({ GATEWAY_JWT_ALGORITHMS: 'HS256,RS256', GATEWAY_JWT_SECRET: SECRET, GATEWAY_JWT_PUBLIC_KEY: pem(rsa.publicKey) });
    expect(resolveAuthSettings(config).problems).toEqual([]);
  });

  it('refuses a short secret without ever echoing it', () => {
    const short = 'too-short-but-secret';
    const error = problemsOf({ GATEWAY_JWT_SECRET: short });
    expect(error.message).toContain('GATEWAY_JWT_SECRET must be at least 32 characters');
    expect(error.message).not.toContain(short);
  });

  it('checks the public key against each asymmetric algorithm', () => {
    const ok = (alg: string, key: string) => expect(() => load({ GATEWAY_JWT_ALGORITHMS: alg, GATEWAY_JWT_PUBLIC_KEY: key })).not.toThrow();
    ok('RS256,RS512', pem(rsa.publicKey));
    ok('ES256', pem(ecP256.publicKey));
    ok('ES384', pem(ecP384.publicKey));
    ok('EdDSA', pem(ed25519.publicKey));
    // One-line env files escape the newlines.
    ok('RS256', pem(rsa.publicKey).replaceAll('\n', '\\n'));

    expect(problemsOf({ GATEWAY_JWT_ALGORITHMS: 'RS256', GATEWAY_JWT_PUBLIC_KEY: pem(ecP256.publicKey) }).message).toContain('RS256 needs an RSA public key, but GATEWAY_JWT_PUBLIC_KEY is an EC prime256v1 key');
    expect(problemsOf({ GATEWAY_JWT_ALGORITHMS: 'ES256', GATEWAY_JWT_PUBLIC_KEY: pem(ecP384.publicKey) }).message).toContain('ES256 needs an EC prime256v1 public key');
    expect(problemsOf({ GATEWAY_JWT_ALGORITHMS: 'EdDSA', GATEWAY_JWT_PUBLIC_KEY: pem(rsa.publicKey) }).message).toContain('EdDSA needs an Ed25519 public key, but GATEWAY_JWT_PUBLIC_KEY is an rsa key');
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(problemsOf({ GATEWAY_JWT_ALGORITHMS: 'RS256', GATEWAY_JWT_PUBLIC_KEY: pem(small.publicKey) }).message).toContain('at least 2048 bits');
  });

  it('refuses a private key or garbage as the public key, without echoing either', () => {
    const privatePem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const privateError = problemsOf({ GATEWAY_JWT_ALGORITHMS: 'RS256', GATEWAY_JWT_PUBLIC_KEY: privatePem });
    expect(privateError.message).toContain('GATEWAY_JWT_PUBLIC_KEY holds a private key');
    expect(privateError.message).not.toContain(privatePem.split('\n')[1]!);
    const garbage = problemsOf({ GATEWAY_JWT_ALGORITHMS: 'RS256', GATEWAY_JWT_PUBLIC_KEY: 'not-a-key-at-all' });
    expect(garbage.message).toContain('GATEWAY_JWT_PUBLIC_KEY is not a PEM public key');
    expect(garbage.message).not.toContain('not-a-key-at-all');
  });

  it('parses the cookie flag and bounds the ticket TTL and clock tolerance', () => {
    expect(load({ GATEWAY_JWT_SECRET: SECRET, GATEWAY_SESSION_COOKIE_SECURE: 'false' }).GATEWAY_SESSION_COOKIE_SECURE).toBe(false);
    expect(problemsOf({ GATEWAY_JWT_SECRET: SECRET, GATEWAY_SESSION_COOKIE_SECURE: 'no' }).problems.map((p) => p.variable)).toEqual(['GATEWAY_SESSION_COOKIE_SECURE']);
    expect(load({ GATEWAY_JWT_SECRET: SECRET, GATEWAY_TICKET_TTL_MS: '5000' }).GATEWAY_TICKET_TTL_MS).toBe(5_000);
    expect(problemsOf({ GATEWAY_JWT_SECRET: SECRET, GATEWAY_TICKET_TTL_MS: '500' }).problems.map((p) => p.variable)).toEqual(['GATEWAY_TICKET_TTL_MS']);
    expect(problemsOf({ GATEWAY_JWT_SECRET: SECRET, GATEWAY_CLOCK_TOLERANCE_S: '-1' }).problems.map((p) => p.variable)).toEqual(['GATEWAY_CLOCK_TOLERANCE_S']);
  });
});
