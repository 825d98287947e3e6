// The gateway's access settings from the environment: which JWTs it trusts (algorithms
// pinned, one key per family), where API keys live, and the session cookie and stream
// ticket knobs. `gatewayAuthEnv` is a shape fragment to spread into the gateway's schema;
// the rules that span several variables are in `checkGatewayAuthEnv`, to apply with
// `.superRefine(checkGatewayAuthEnv)` (a field of a zod shape cannot see the others).
//
// loadConfig echoes a bad variable's value in its error ("(got …)"). GATEWAY_JWT_SECRET and
// GATEWAY_JWT_PUBLIC_KEY (which an operator may fill with a private key by mistake) must
// never be echoed, so their fields accept any string and every problem with them is
// reported at the root path, naming the variable in the message instead.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { ConfigProblem } from '@freshet/config';
import { RedactedSecret } from './redacted-secret';

export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'EdDSA'] as const;
export const JWT_ALGORITHMS = [...HMAC_ALGORITHMS, ...ASYMMETRIC_ALGORITHMS] as const;
export type HmacAlgorithm = (typeof HMAC_ALGORITHMS)[number];
export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** 256 bits of entropy at the very least for HS256; shorter secrets are guessable offline. */
export const MIN_JWT_SECRET_LENGTH = 32;
/** Variables whose values must never appear in a config error. */
const SENSITIVE_VARIABLES = new Set(['GATEWAY_JWT_SECRET', 'GATEWAY_JWT_PUBLIC_KEY']);
/** The "variable" of the problem "no way to authenticate at all": any one of three. */
export const NO_CREDENTIAL_SOURCE = 'GATEWAY_JWT_SECRET, GATEWAY_JWT_PUBLIC_KEY or GATEWAY_API_KEYS_FILE';

export function isHmacAlgorithm(alg: string): alg is HmacAlgorithm {
  return (HMAC_ALGORITHMS as readonly string[]).includes(alg);
}

const algorithmList = z.string().transform((value, ctx): JwtAlgorithm[] => {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !(JWT_ALGORITHMS as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `${unknown.length > 0 ? `${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not accepted; ` : ''}must be a comma-separated list of ${JWT_ALGORITHMS.join(', ')}`,
    });
    return z.NEVER;
  }
  return [...new Set(names)] as JwtAlgorithm[];
});

export const gatewayAuthEnv = {
  /** JWT signing algorithms the gateway accepts; a token signed otherwise (or `none`) is refused. */
  GATEWAY_JWT_ALGORITHMS: algorithmList.default(['HS256']),
  /** Shared secret for HS256/384/512 JWTs (at least 32 characters). Never logged. */
  GATEWAY_JWT_SECRET: z
    .string()
    .optional()
    .transform((value) => (value === undefined ? undefined : new RedactedSecret(value))),
  /** PEM (SPKI) public key for RS*, ES* or EdDSA JWTs; `\n` escapes are accepted for one-line env files. */
  GATEWAY_JWT_PUBLIC_KEY: z
    .string()
    .optional()
    .transform((value) => (value === undefined ? undefined : value.replaceAll('\\n', '\n'))),
  GATEWAY_JWT_ISSUER: z.string().min(1).default('freshet'),
  GATEWAY_JWT_AUDIENCE: z.string().min(1).default('freshet-gateway'),
  /** JSON file of API keys: [{ id, tenant, scopes, sha256 }], read at start. */
  GATEWAY_API_KEYS_FILE: z.string().min(1).optional(),
  /** `Secure` on the session cookie; turn off only for local plain http. */
  GATEWAY_SESSION_COOKIE_SECURE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  /** How long a stream ticket can be redeemed (once). */
  GATEWAY_TICKET_TTL_MS: z.coerce.number().int().min(1_000).max(300_000).default(30_000),
  /** Leeway for exp/nbf against clock skew between the token issuer and the gateway. */
  GATEWAY_CLOCK_TOLERANCE_S: z.coerce.number().int().min(0).max(300).default(5),
};

export type GatewayAuthEnv = z.output<z.ZodObject<typeof gatewayAuthEnv>>;

export interface JwtSettings {
  algorithms: JwtAlgorithm[];
  secret?: RedactedSecret;
  publicKeyPem?: string;
  issuer: string;
  audience: string;
  clockToleranceS: number;
}

/** The access settings resolved from the variables; `jwt` is absent when only API keys are configured. */
export interface AuthSettings {
  jwt?: JwtSettings;
  apiKeysFile?: string;
  cookieSecure: boolean;
  ticketTtlMs: number;
}

/** What each asymmetric algorithm needs of the public key (jose refuses anything else at verify time). */
function keyMismatch(alg: AsymmetricAlgorithm, key: KeyObject): string | undefined {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  const described = type === 'ec' ? `an EC ${details.namedCurve ?? ''} key` : `a${type === 'rsa' ? 'n' : ''} ${type ?? 'unknown'} key`;
  if (alg.startsWith('RS')) {
    if (type !== 'rsa') return `${alg} needs an RSA public key, but GATEWAY_JWT_PUBLIC_KEY is ${described}`;
    if ((details.modulusLength ?? 0) < 2048) return `${alg} needs an RSA key of at least 2048 bits, but GATEWAY_JWT_PUBLIC_KEY has ${details.modulusLength} bits`;
    return undefined;
  }
  if (alg === 'ES256' || alg === 'ES384') {
    const curve = alg === 'ES256' ? 'prime256v1' : 'secp384r1';
    return type === 'ec' && details.namedCurve === curve ? undefined : `${alg} needs an EC ${curve} public key, but GATEWAY_JWT_PUBLIC_KEY is ${described}`;
  }
  return type === 'ed25519' ? undefined : `EdDSA needs an Ed25519 public key, but GATEWAY_JWT_PUBLIC_KEY is ${described}`;
}

function publicKeyProblems(pem: string, asymmetric: AsymmetricAlgorithm[]): ConfigProblem[] {
  if (/PRIVATE KEY/.test(pem)) {
    return [{ variable: 'GATEWAY_JWT_PUBLIC_KEY', message: 'holds a private key; give the gateway the public key only (openssl pkey -pubout)' }];
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    return [{ variable: 'GATEWAY_JWT_PUBLIC_KEY', message: 'is not a PEM public key (-----BEGIN PUBLIC KEY----- …); \\n escapes are accepted' }];
  }
  return asymmetric.flatMap((alg) => {
    const problem = keyMismatch(alg, key);
    return problem === undefined ? [] : [{ variable: 'GATEWAY_JWT_ALGORITHMS', message: problem }];
  });
}

/**
 * Every problem with the access variables taken together, and the settings when there is
 * none. Pure: used by the config check and again by createAuthenticator, so an
 * authenticator is never built from settings that were not checked.
 */
export function resolveAuthSettings(env: GatewayAuthEnv): { settings?: AuthSettings; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const secret = env.GATEWAY_JWT_SECRET;
  const publicKey = env.GATEWAY_JWT_PUBLIC_KEY;
  const jwtConfigured = secret !== undefined || publicKey !== undefined;
  if (!jwtConfigured && env.GATEWAY_API_KEYS_FILE === undefined) {
    problems.push({
      variable: NO_CREDENTIAL_SOURCE,
      message: 'must be set (none is, so no caller could authenticate): GATEWAY_JWT_SECRET for HS256/HS384/HS512 JWTs, GATEWAY_JWT_PUBLIC_KEY for RS*, ES* or EdDSA JWTs, GATEWAY_API_KEYS_FILE for API keys',
    });
  }
  if (jwtConfigured) {
    const algorithms = env.GATEWAY_JWT_ALGORITHMS;
    const hmac = algorithms.filter(isHmacAlgorithm);
    const asymmetric = algorithms.filter((alg): alg is AsymmetricAlgorithm => !isHmacAlgorithm(alg));
    const listed = `GATEWAY_JWT_ALGORITHMS is ${algorithms.join(',')}`;
    if (hmac.length > 0 && secret === undefined) {
      problems.push({ variable: 'GATEWAY_JWT_ALGORITHMS', message: `${hmac.join(', ')} need${hmac.length === 1 ? 's' : ''} GATEWAY_JWT_SECRET, which is not set; with a public key, list only RS*, ES* or EdDSA algorithms` });
    }
    if (asymmetric.length > 0 && publicKey === undefined) {
      problems.push({ variable: 'GATEWAY_JWT_ALGORITHMS', message: `${asymmetric.join(', ')} need${asymmetric.length === 1 ? 's' : ''} GATEWAY_JWT_PUBLIC_KEY, which is not set` });
    }
    if (secret !== undefined && hmac.length === 0) {
      problems.push({ variable: 'GATEWAY_JWT_SECRET', message: `is set but no HS* algorithm is accepted (${listed}); add HS256 or unset the secret` });
    }
    if (publicKey !== undefined && asymmetric.length === 0) {
      problems.push({ variable: 'GATEWAY_JWT_PUBLIC_KEY', message: `is set but no RS*, ES* or EdDSA algorithm is accepted (${listed}); add one or unset the key` });
    }
    if (secret !== undefined && secret.length < MIN_JWT_SECRET_LENGTH) {
      problems.push({ variable: 'GATEWAY_JWT_SECRET', message: `must be at least ${MIN_JWT_SECRET_LENGTH} characters (e.g. openssl rand -base64 48)` });
    }
    if (publicKey !== undefined) problems.push(...publicKeyProblems(publicKey, asymmetric));
  }
  if (problems.length > 0) return { problems };
  return {
    problems,
    settings: {
      ...(jwtConfigured
        ? {
            jwt: {
              algorithms: env.GATEWAY_JWT_ALGORITHMS,
              ...(secret === undefined ? {} : { secret }),
              ...(publicKey === undefined ? {} : { publicKeyPem: publicKey }),
              issuer: env.GATEWAY_JWT_ISSUER,
              audience: env.GATEWAY_JWT_AUDIENCE,
              clockToleranceS: env.GATEWAY_CLOCK_TOLERANCE_S,
            },
          }
        : {}),
      ...(env.GATEWAY_API_KEYS_FILE === undefined ? {} : { apiKeysFile: env.GATEWAY_API_KEYS_FILE }),
      cookieSecure: env.GATEWAY_SESSION_COOKIE_SECURE,
      ticketTtlMs: env.GATEWAY_TICKET_TTL_MS,
    },
  };
}

/**
 * The cross-variable rules, for `z.object({ ..., ...gatewayAuthEnv }).superRefine(checkGatewayAuthEnv)`.
 * Problems with a sensitive variable go to the root path so loadConfig does not echo its value.
 */
export function checkGatewayAuthEnv(env: GatewayAuthEnv, ctx: z.RefinementCtx<GatewayAuthEnv>): void {
  for (const problem of resolveAuthSettings(env).problems) {
    const sensitive = SENSITIVE_VARIABLES.has(problem.variable);
    const ownPath = !sensitive && problem.variable in gatewayAuthEnv;
    ctx.addIssue({
      code: 'custom',
      path: ownPath ? [problem.variable] : [],
      message: ownPath ? problem.message : `${problem.variable} ${problem.message}${sensitive ? ' (its value is never shown)' : ''}`,
    });
  }
}
