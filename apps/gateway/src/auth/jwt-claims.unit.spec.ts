import { describe, expect, it } from 'vitest';
import { AuthProblem } from './auth-problem';
import { jwtCredentialId, principalFromClaims, scopesFromClaims } from './jwt-claims';

const problemCode = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof AuthProblem) return `${error.statusCode} ${error.code}`;
    throw error;
  }
  return 'no problem';
};

describe('scopes from claims', () => {
  it('reads `scope` (space-separated), `scopes` (array) or both, ignoring scopes it does not know', () => {
    expect([...scopesFromClaims({ scope: 'sources:read  admin:read\tother:thing' })].sort()).toEqual(['admin:read', 'sources:read']);
    expect([...scopesFromClaims({ scopes: ['sources:refresh', 'billing:write'] })]).toEqual(['sources:refresh']);
    expect([...scopesFromClaims({ scope: 'sources:read', scopes: ['admin:write'] })].sort()).toEqual(['admin:write', 'sources:read']);
    expect(scopesFromClaims({}).size).toBe(0);
    expect(scopesFromClaims({ scope: '' }).size).toBe(0);
  });

  it('refuses claims of the wrong type', () => {
    expect(problemCode(() => scopesFromClaims({ scope: ['sources:read'] }))).toBe('401 INVALID_TOKEN_CLAIMS');
    expect(problemCode(() => scopesFromClaims({ scopes: 'sources:read' }))).toBe('401 INVALID_TOKEN_CLAIMS');
    expect(problemCode(() => scopesFromClaims({ scopes: ['sources:read', 1] }))).toBe('401 INVALID_TOKEN_CLAIMS');
  });
});

describe('principal from claims', () => {
  const claims = { sub: 'user-1', tenant: 'acme', scope: 'sources:read', exp: 2_000_000_000, jti: 'token-42' };

  it('maps subject, tenant, scopes, expiry and the credential id', () => {
    const principal = principalFromClaims(claims, 'the.token.itself', 'jwt');
    expect(principal).toEqual({ subject: 'user-1', tenant: 'acme', scopes: new Set(['sources:read']), expiresAt: 2_000_000_000_000, kind: 'jwt', credentialId: 'token-42' });
    expect(principalFromClaims(claims, 'the.token.itself', 'cookie').kind).toBe('cookie');
  });

  it('requires a valid tenant and a subject', () => {
    expect(problemCode(() => principalFromClaims({ ...claims, tenant: undefined }, 't', 'jwt'))).toBe('401 TOKEN_CLAIM_MISSING');
    expect(problemCode(() => principalFromClaims({ ...claims, tenant: 'acme.*' }, 't', 'jwt'))).toBe('401 INVALID_TOKEN_CLAIMS');
    expect(problemCode(() => principalFromClaims({ ...claims, tenant: 42 }, 't', 'jwt'))).toBe('401 INVALID_TOKEN_CLAIMS');
    expect(problemCode(() => principalFromClaims({ ...claims, sub: '' }, 't', 'jwt'))).toBe('401 INVALID_TOKEN_CLAIMS');
  });

  it('identifies a token without jti by a hash of it, never the token itself', () => {
    const token = 'header.payload.signature';
    const id = jwtCredentialId({}, token);
    expect(id).toMatch(/^sha256:[0-9a-f]{32}$/);
    expect(id).toBe(jwtCredentialId({ jti: '' }, token));
    expect(id).not.toBe(jwtCredentialId({}, 'header.payload.other'));
    expect(jwtCredentialId({ jti: 7 }, token)).toBe(id);
  });
});
