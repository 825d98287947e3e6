// A verified JWT's claims → the Principal. Pure. The signature, exp, iss and aud were
// checked by jose before this runs; here: the tenant (required, a valid tenant id, since it
// becomes a NATS subject token), the scopes, and a stable id for the credential.
import { createHash } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { tenantIdSchema } from '@freshet/contracts';
import { invalidCredential } from './auth-problem';
import { scopeSchema, type Principal, type Scope } from './principal';

/**
 * Scopes from `scope` (space-separated, RFC 8693 style) and/or `scopes` (an array).
 * Scopes this gateway does not know are ignored: one token may carry scopes for several
 * services. A claim of the wrong type is an issuer bug and refused.
 */
export function scopesFromClaims(claims: Readonly<Record<string, unknown>>): Set<Scope> {
  const { scope, scopes } = claims as { scope?: unknown; scopes?: unknown };
  if (scope !== undefined && typeof scope !== 'string') throw invalidCredential('INVALID_TOKEN_CLAIMS', 'the token\'s scope claim must be a space-separated string');
  if (scopes !== undefined && !(Array.isArray(scopes) && scopes.every((s) => typeof s === 'string'))) {
    throw invalidCredential('INVALID_TOKEN_CLAIMS', 'the token\'s scopes claim must be an array of strings');
  }
  const names = [...(scope ?? '').split(/\s+/), ...((scopes as string[] | undefined) ?? [])];
  const known = new Set<Scope>();
  for (const name of names) {
    const parsed = scopeSchema.safeParse(name);
    if (parsed.success) known.add(parsed.data);
  }
  return known;
}

/** `jti` when the issuer set one, otherwise a hash of the token (never the token itself). */
export function jwtCredentialId(claims: { jti?: unknown }, token: string): string {
  if (typeof claims.jti === 'string' && claims.jti !== '' && claims.jti.length <= 128) return claims.jti;
  return `sha256:${createHash('sha256').update(token).digest('hex').slice(0, 32)}`;
}

export function principalFromClaims(claims: JWTPayload, token: string, kind: 'jwt' | 'cookie'): Principal & { expiresAt: number } {
  if (typeof claims.sub !== 'string' || claims.sub === '') throw invalidCredential('INVALID_TOKEN_CLAIMS', 'the token\'s sub claim must be a non-empty string');
  if (claims['tenant'] === undefined) throw invalidCredential('TOKEN_CLAIM_MISSING', 'the token has no tenant claim');
  const tenant = tenantIdSchema.safeParse(claims['tenant']);
  if (!tenant.success) throw invalidCredential('INVALID_TOKEN_CLAIMS', "the token's tenant claim is not a valid tenant id (1-64 characters of A-Z, a-z, 0-9, '_' or '-')");
  // jose has checked exp is present and a number.
  const expiresAt = (claims.exp as number) * 1000;
  return { subject: claims.sub, tenant: tenant.data, scopes: scopesFromClaims(claims), expiresAt, kind, credentialId: jwtCredentialId(claims, token) };
}
