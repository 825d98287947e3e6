// Verifies a JWT (from the Authorization header or the session cookie) with jose: the
// algorithms pinned by configuration (so neither `none` nor an HS256 token forged with a
// public RSA key as its secret can pass), iss, aud, exp and sub required, clock tolerance.
// Keys are imported once: the HMAC secret as bytes, the public key once per algorithm.
import { importSPKI, jwtVerify, type CryptoKey, type JWTHeaderParameters } from 'jose';
import { isHmacAlgorithm, type JwtAlgorithm, type JwtSettings } from './auth-config';
import { jwtProblem } from './jwt-errors';
import { principalFromClaims } from './jwt-claims';
import type { Principal } from './principal';

export interface JwtVerifier {
  readonly algorithms: readonly JwtAlgorithm[];
  /** The Principal of a valid token (kind `jwt` or `cookie`); a 401 AuthProblem otherwise. */
  verify(token: string, kind: 'jwt' | 'cookie'): Promise<Principal & { expiresAt: number }>;
}

export async function createJwtVerifier(settings: JwtSettings, now: () => number = Date.now): Promise<JwtVerifier> {
  const keys = new Map<string, CryptoKey | Uint8Array>();
  for (const alg of settings.algorithms) {
    // resolveAuthSettings has checked that each listed algorithm has its key.
    if (isHmacAlgorithm(alg)) {
      if (!settings.secret) throw new Error(`${alg} is accepted but no secret is configured`);
      keys.set(alg, new TextEncoder().encode(settings.secret.reveal()));
    } else {
      if (!settings.publicKeyPem) throw new Error(`${alg} is accepted but no public key is configured`);
      keys.set(alg, await importSPKI(settings.publicKeyPem, alg));
    }
  }
  // Called only for an algorithm already checked against `algorithms`.
  const keyFor = (header: JWTHeaderParameters) => keys.get(header.alg)!;
  return {
    algorithms: settings.algorithms,
    async verify(token, kind) {
      let payload;
      try {
        ({ payload } = await jwtVerify(token, keyFor, {
          algorithms: settings.algorithms,
          issuer: settings.issuer,
          audience: settings.audience,
          requiredClaims: ['exp', 'sub'],
          clockTolerance: settings.clockToleranceS,
          currentDate: new Date(now()),
        }));
      } catch (error) {
        throw jwtProblem(error, token);
      }
      return principalFromClaims(payload, token, kind);
    },
  };
}
