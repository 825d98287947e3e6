import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { importPKCS8 } from 'jose';
import type { JwtAlgorithm, JwtSettings } from './auth-config';
import { AuthProblem } from './auth-problem';
import { createJwtVerifier } from './jwt-verifier';
import { RedactedSecret } from './redacted-secret';
import { signTestToken, TEST_AUDIENCE, TEST_ISSUER, TEST_JWT_SECRET, unsecuredTestToken } from './testing/test-tokens';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const ed = generateKeyPairSync('ed25519');
const spki = (key: typeof rsa.publicKey) => key.export({ type: 'spki', format: 'pem' }).toString();
const pkcs8 = (key: typeof rsa.privateKey) => key.export({ type: 'pkcs8', format: 'pem' }).toString();

const settings = (algorithms: JwtAlgorithm[], extra: Partial<JwtSettings> = {}): JwtSettings => ({
  algorithms,
  secret: new RedactedSecret(TEST_JWT_SECRET),
  issuer: TEST_ISSUER,
  audience: TEST_AUDIENCE,
  clockToleranceS: 5,
  ...extra,
});

async function rejection(promise: Promise<unknown>): Promise<{ status: number; code: string; message: string; header: string | undefined }> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof AuthProblem)) throw error;
    return { status: error.statusCode, code: error.code, message: error.message, header: error.headers['www-authenticate'] };
  }
  throw new Error('expected the token to be refused');
}

describe('JWT verification', () => {
  it('accepts a valid HS256 token and returns its principal', async () => {
    const verifier = await createJwtVerifier(settings(['HS256']));
    const principal = await verifier.verify(await signTestToken({ claims: { jti: 'j1' } }), 'jwt');
    expect(principal).toMatchObject({ subject: 'user-1', tenant: 'acme', kind: 'jwt', credentialId: 'j1' });
    expect([...principal.scopes].sort()).toEqual(['sources:read', 'sources:refresh']);
    expect(principal.expiresAt).toBeGreaterThan(Date.now());
  });

  it('says precisely why a token is refused, as 401 invalid_token', async () => {
    const verifier = await createJwtVerifier(settings(['HS256']));
    const cases: Array<[Promise<string> | string, string]> = [
      [signTestToken({ expiresInS: -60 }), 'TOKEN_EXPIRED'],
      [signTestToken({ key: 'another-secret-that-is-also-long-enough!!' }), 'INVALID_TOKEN_SIGNATURE'],
      [signTestToken({ claims: { aud: 'someone-else' } }), 'TOKEN_AUDIENCE_MISMATCH'],
      [signTestToken({ claims: { iss: 'evil' } }), 'TOKEN_ISSUER_MISMATCH'],
      [signTestToken({ expiresInS: null }), 'TOKEN_CLAIM_MISSING'],
      [signTestToken({ claims: { sub: undefined } }), 'TOKEN_CLAIM_MISSING'],
      [signTestToken({ claims: { tenant: undefined } }), 'TOKEN_CLAIM_MISSING'],
      [signTestToken({ claims: { nbf: Math.floor(Date.now() / 1000) + 600 } }), 'TOKEN_NOT_YET_VALID'],
      [signTestToken({ alg: 'HS512' }), 'TOKEN_ALGORITHM_NOT_ALLOWED'],
      [unsecuredTestToken(), 'TOKEN_ALGORITHM_NOT_ALLOWED'],
      ['not-a-jwt', 'MALFORMED_TOKEN'],
      ['a.b.c', 'MALFORMED_TOKEN'],
    ];
    for (const [token, code] of cases) {
      const refused = await rejection(verifier.verify(await token, 'jwt'));
      expect({ code: refused.code, status: refused.status }).toEqual({ code, status: 401 });
      expect(refused.header).toMatch(/^Bearer realm="freshet", error="invalid_token", error_description="[^"]+"$/);
    }
    expect((await rejection(verifier.verify(unsecuredTestToken(), 'jwt'))).message).toBe('the token is signed with none which this service does not accept');
    expect((await rejection(verifier.verify(await signTestToken({ claims: { sub: undefined } }), 'jwt'))).message).toBe('the token has no sub claim');
  });

  it('tolerates the configured clock skew, no more', async () => {
    const verifier = await createJwtVerifier(settings(['HS256'], { clockToleranceS: 30 }));
    await expect(verifier.verify(await signTestToken({ expiresInS: -10 }), 'jwt')).resolves.toMatchObject({ tenant: 'acme' });
    expect((await rejection(verifier.verify(await signTestToken({ expiresInS: -40 }), 'jwt'))).code).toBe('TOKEN_EXPIRED');
  });

  it('pins the algorithm: an HS256 token "signed" with the RSA public key is refused when only RS256 is accepted', async () => {
    const verifier = await createJwtVerifier(settings(['RS256'], { secret: undefined, publicKeyPem: spki(rsa.publicKey) }));
    const confused = await signTestToken({ alg: 'HS256', key: spki(rsa.publicKey) });
    expect((await rejection(verifier.verify(confused, 'jwt'))).code).toBe('TOKEN_ALGORITHM_NOT_ALLOWED');
    const genuine = await signTestToken({ alg: 'RS256', key: await importPKCS8(pkcs8(rsa.privateKey), 'RS256') });
    await expect(verifier.verify(genuine, 'jwt')).resolves.toMatchObject({ tenant: 'acme' });
  });

  it('verifies ES256 and EdDSA with their public keys, and each family with its own key side by side', async () => {
    const es = await createJwtVerifier(settings(['ES256'], { secret: undefined, publicKeyPem: spki(ec.publicKey) }));
    await expect(es.verify(await signTestToken({ alg: 'ES256', key: await importPKCS8(pkcs8(ec.privateKey), 'ES256') }), 'jwt')).resolves.toMatchObject({ tenant: 'acme' });
    const eddsa = await createJwtVerifier(settings(['EdDSA'], { secret: undefined, publicKeyPem: spki(ed.publicKey) }));
    await expect(eddsa.verify(await signTestToken({ alg: 'EdDSA', key: await importPKCS8(pkcs8(ed.privateKey), 'EdDSA') }), 'jwt')).resolves.toMatchObject({ tenant: 'acme' });

    const both = await createJwtVerifier(settings(['HS256', 'RS256'], { publicKeyPem: spki(rsa.publicKey) }));
    await expect(both.verify(await signTestToken(), 'jwt')).resolves.toMatchObject({ tenant: 'acme' });
    await expect(both.verify(await signTestToken({ alg: 'RS256', key: await importPKCS8(pkcs8(rsa.privateKey), 'RS256') }), 'jwt')).resolves.toMatchObject({ tenant: 'acme' });
    // An RS256 token signed with another RSA key: the right algorithm, the wrong key.
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = await signTestToken({ alg: 'RS256', key: await importPKCS8(pkcs8(other.privateKey), 'RS256') });
    expect((await rejection(both.verify(forged, 'jwt'))).code).toBe('INVALID_TOKEN_SIGNATURE');
  });

  it('never puts the token in the problem', async () => {
    const verifier = await createJwtVerifier(settings(['HS256']));
    for (const token of [await signTestToken({ expiresInS: -60 }), await signTestToken({ key: 'x'.repeat(40) }), unsecuredTestToken()]) {
      const error = await verifier.verify(token, 'jwt').catch((e: unknown) => e as AuthProblem);
      expect(JSON.stringify({ message: (error as AuthProblem).message, headers: (error as AuthProblem).headers, cause: (error as AuthProblem).cause })).not.toContain(token.split('.')[1]!);
    }
  });
});
