// Tokens for the auth tests: signed with jose exactly as an issuer would, with every
// claim overridable (and removable with `undefined`) to produce each way a token is bad.
import { base64url, SignJWT, type CryptoKey, type JWTPayload } from 'jose';

export const TEST_JWT_SECRET = 'gateway-auth-tests-secret-0123456789-abcdefgh';
export const TEST_ISSUER = 'freshet';
export const TEST_AUDIENCE = 'freshet-gateway';

export interface TestTokenOptions {
  alg?: string;
  key?: CryptoKey | Uint8Array | string;
  /** Seconds from now (negative: already expired); null: no exp claim. */
  expiresInS?: number | null;
  claims?: JWTPayload;
}

const nowS = () => Math.floor(Date.now() / 1000);

export async function signTestToken({ alg = 'HS256', key = TEST_JWT_SECRET, expiresInS = 300, claims = {} }: TestTokenOptions = {}): Promise<string> {
  const payload: JWTPayload = {
    sub: 'user-1',
    tenant: 'acme',
    scope: 'sources:read sources:refresh',
    iss: TEST_ISSUER,
    aud: TEST_AUDIENCE,
    iat: nowS(),
    ...(expiresInS === null ? {} : { exp: nowS() + expiresInS }),
    ...claims,
  };
  // A claim set to undefined in `claims` is left out (JSON drops it).
  return new SignJWT(JSON.parse(JSON.stringify(payload)) as JWTPayload)
    .setProtectedHeader({ alg, typ: 'JWT' })
    .sign(typeof key === 'string' ? new TextEncoder().encode(key) : key);
}

/** An unsecured JWT (`alg: none`, empty signature), the classic bypass attempt. */
export function unsecuredTestToken(claims: JWTPayload = {}): string {
  const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
  const payload = { sub: 'user-1', tenant: 'acme', scope: 'sources:read', iss: TEST_ISSUER, aud: TEST_AUDIENCE, exp: nowS() + 300, ...claims };
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`;
}
