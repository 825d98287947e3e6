// API keys: `fsk_<id>_<secret>`. The id (1-32 of a-z, 0-9) names the key in the keys file
// and in logs; the secret (base64url, 256 random bits when generated) is never stored, only
// its sha256. A plain hash suffices because the secret is random, not a password: there
// is nothing to guess. Comparison is constant-time so the hash cannot be probed byte by byte.
// tools/dev/api-key.ts generates keys in this format (tools cannot import apps).
import { createHash, timingSafeEqual } from 'node:crypto';

export const API_KEY_PREFIX = 'fsk_';
const API_KEY_PATTERN = /^fsk_([a-z0-9]{1,32})_([A-Za-z0-9_-]{32,512})$/;
export const API_KEY_ID_PATTERN = /^[a-z0-9]{1,32}$/;
export const SHA256_HEX_PATTERN = /^[0-9a-f]{64}$/;

export interface ParsedApiKey {
  id: string;
  secret: string;
}

/** Whether a bearer token is meant as an API key (as opposed to a JWT). */
export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}

/** The id and secret of a well-formed key; undefined otherwise. The id cannot hold '_', the secret may. */
export function parseApiKey(key: string): ParsedApiKey | undefined {
  const match = API_KEY_PATTERN.exec(key);
  return match ? { id: match[1]!, secret: match[2]! } : undefined;
}

export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of sha256(secret) with the stored hex hash. */
export function apiKeySecretMatches(secret: string, sha256Hex: string): boolean {
  const expected = Buffer.from(sha256Hex, 'hex');
  const actual = createHash('sha256').update(secret, 'utf8').digest();
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}
