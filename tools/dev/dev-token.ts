// Development credentials for the gateway: a fixed HS256 secret that `npm start` gives the
// gateway (unless a real key is configured), and tokens signed with it. The secret is in
// the repository, so anything signed with it is public: never configure it anywhere else.
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';

export const DEV_JWT_SECRET = 'freshet-dev-only-jwt-secret-NEVER-USE-IN-PRODUCTION';
/** What the gateway checks by default (GATEWAY_JWT_ISSUER, GATEWAY_JWT_AUDIENCE). */
export const DEV_JWT_ISSUER = 'freshet';
export const DEV_JWT_AUDIENCE = 'freshet-gateway';
/**
 * The gateway's scopes (apps/gateway/src/auth/principal.ts SCOPES; tools may not import an
 * app, so the list is repeated here and a test keeps the two equal).
 */
export const GATEWAY_SCOPES = ['sources:read', 'sources:refresh', 'admin:read', 'admin:write'] as const;
export type GatewayScope = (typeof GATEWAY_SCOPES)[number];

export interface DevTokenOptions {
  tenant: string;
  scopes?: readonly string[];
  /** Lifetime: seconds, or a duration such as '12h' or '30m'. */
  ttl?: number | string;
  subject?: string;
  secret?: string;
  issuer?: string;
  audience?: string;
}

/** An HS256 JWT the gateway accepts when it runs with DEV_JWT_SECRET. */
export async function devToken({
  tenant,
  scopes = GATEWAY_SCOPES,
  ttl = '12h',
  subject = 'dev',
  secret = DEV_JWT_SECRET,
  issuer = DEV_JWT_ISSUER,
  audience = DEV_JWT_AUDIENCE,
}: DevTokenOptions): Promise<string> {
  return new SignJWT({ tenant, scope: scopes.join(' ') })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject)
    .setIssuer(issuer)
    .setAudience(audience)
    .setJti(randomUUID())
    .setIssuedAt()
    // A number given to jose is an absolute time; ours is a lifetime.
    .setExpirationTime(typeof ttl === 'number' ? `${ttl}s` : ttl)
    .sign(new TextEncoder().encode(secret));
}

/**
 * The gateway variables `npm start` adds so that the printed token works over local http:
 * the dev secret unless a JWT key is configured, and a cookie without `Secure` unless set.
 */
export function devGatewayAuthEnv(env: Record<string, string | undefined>): Record<string, string> {
  const isSet = (name: string) => (env[name] ?? '') !== '';
  return {
    ...(isSet('GATEWAY_JWT_SECRET') || isSet('GATEWAY_JWT_PUBLIC_KEY') ? {} : { GATEWAY_JWT_SECRET: DEV_JWT_SECRET }),
    ...(isSet('GATEWAY_SESSION_COOKIE_SECURE') ? {} : { GATEWAY_SESSION_COOKIE_SECURE: 'false' }),
  };
}
