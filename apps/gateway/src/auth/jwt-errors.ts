// Why jose refused a token, as a 401 a client developer can act on. Only the claim that
// failed is named, never the token nor the claim's value; the jose error itself (which
// carries the decoded payload) is not attached, so it cannot end up in a log either.
import { decodeProtectedHeader, errors } from 'jose';
import { invalidCredential, type AuthProblem } from './auth-problem';

const CLAIM_PROBLEMS: Record<string, [code: string, message: string]> = {
  aud: ['TOKEN_AUDIENCE_MISMATCH', 'the token is not meant for this service (its aud claim does not name it)'],
  iss: ['TOKEN_ISSUER_MISMATCH', 'the token was not issued by the issuer this service trusts (iss claim)'],
  nbf: ['TOKEN_NOT_YET_VALID', 'the token is not valid yet (nbf claim)'],
};

/** The `alg` the token claims, if it looks like an algorithm name (it is the caller's input). */
function claimedAlgorithm(token: string): string | undefined {
  try {
    const { alg } = decodeProtectedHeader(token);
    return typeof alg === 'string' && /^[A-Za-z0-9]{1,16}$/.test(alg) ? alg : undefined;
  } catch {
    return undefined;
  }
}

/** Maps a jose verification error; anything else (a bug, not a bad token) is rethrown. */
export function jwtProblem(error: unknown, token: string): AuthProblem {
  if (error instanceof errors.JWTExpired) return invalidCredential('TOKEN_EXPIRED', 'the token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return invalidCredential('TOKEN_CLAIM_MISSING', `the token has no ${error.claim} claim`);
    const [code, message] = CLAIM_PROBLEMS[error.claim] ?? ['INVALID_TOKEN_CLAIMS', `the token's ${error.claim} claim is not valid`];
    return invalidCredential(code, message);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    const alg = claimedAlgorithm(token);
    return invalidCredential('TOKEN_ALGORITHM_NOT_ALLOWED', `the token is signed with ${alg ?? 'an algorithm'} which this service does not accept`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return invalidCredential('INVALID_TOKEN_SIGNATURE', "the token's signature does not verify");
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported) {
    return invalidCredential('MALFORMED_TOKEN', 'the bearer token is not a well-formed signed JWT');
  }
  throw error;
}
