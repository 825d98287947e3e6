import { describe, expect, it } from 'vitest';
import { apiKeySecretMatches, hashApiKeySecret, looksLikeApiKey, parseApiKey } from './api-key';
import { ApiKeysFileError, createApiKeyStore, parseApiKeysDocument } from './api-key-store';
import { AuthProblem } from './auth-problem';

// The same known key tools/dev/api-key.unit.spec.ts generates from 32 bytes of 0x07: the
// generator and the gateway agree on the format and the hash.
const KNOWN_KEY = 'fsk_ci_BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc';
const KNOWN_SHA256 = 'dc4bf80c77473d130fa0de86ba4018fe98bb214005e6a5891d12ba91446f9e81';

describe('API key format', () => {
  it('parses fsk_<id>_<secret>, the secret possibly holding _ and -', () => {
    expect(parseApiKey(KNOWN_KEY)).toEqual({ id: 'ci', secret: 'BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc' });
    expect(parseApiKey(`fsk_a1_${'_-'.repeat(16)}`)).toEqual({ id: 'a1', secret: '_-'.repeat(16) });
    expect(looksLikeApiKey(KNOWN_KEY)).toBe(true);
    expect(looksLikeApiKey('eyJhbGciOi.x.y')).toBe(false);
  });

  it('refuses anything else', () => {
    for (const bad of [
      'fsk_CI_BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc', // upper-case id
      `fsk_${'a'.repeat(33)}_BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc`, // id too long
      'fsk__BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc', // no id
      'fsk_ci_short', // secret under 32
      'fsk_ci_BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHB+c/', // not base64url
      'xsk_ci_BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc',
      `fsk_ci_${'a'.repeat(513)}`,
    ]) {
      expect(parseApiKey(bad), bad).toBeUndefined();
    }
  });

  it('hashes the secret with sha256 and compares in constant time', () => {
    const { secret } = parseApiKey(KNOWN_KEY)!;
    expect(hashApiKeySecret(secret)).toBe(KNOWN_SHA256);
    expect(apiKeySecretMatches(secret, KNOWN_SHA256)).toBe(true);
    expect(apiKeySecretMatches(`${secret}x`, KNOWN_SHA256)).toBe(false);
    expect(apiKeySecretMatches(secret, KNOWN_SHA256.slice(0, 62))).toBe(false);
  });
});

describe('API key store', () => {
  const store = createApiKeyStore([{ id: 'ci', tenant: 'acme', scopes: ['sources:read', 'admin:read'], sha256: KNOWN_SHA256 }]);
  const refusal = (key: string) => {
    try {
      store.authenticate(key);
    } catch (error) {
      if (error instanceof AuthProblem) return `${error.statusCode} ${error.code}: ${error.message}`;
      throw error;
    }
    return 'accepted';
  };

  it('authenticates a known key as its id, without expiry', () => {
    expect(store.authenticate(KNOWN_KEY)).toEqual({ subject: 'ci', tenant: 'acme', scopes: new Set(['sources:read', 'admin:read']), kind: 'api-key', credentialId: 'ci' });
  });

  it('answers a wrong secret and an unknown id alike, and a malformed key precisely', () => {
    const wrongSecret = refusal(KNOWN_KEY.replace(/c$/, 'd'));
    expect(wrongSecret).toBe('401 INVALID_API_KEY: the API key is not valid (unknown or revoked)');
    expect(refusal(KNOWN_KEY.replace('fsk_ci_', 'fsk_cd_'))).toBe(wrongSecret);
    expect(refusal('fsk_ci_nope')).toBe('401 MALFORMED_API_KEY: API keys look like fsk_<id>_<secret>');
  });
});

describe('API keys file', () => {
  const entry = { id: 'ci', tenant: 'acme', scopes: ['sources:read'], sha256: KNOWN_SHA256 };
  const problems = (text: string) => {
    try {
      parseApiKeysDocument('/etc/keys.json', text);
    } catch (error) {
      if (error instanceof ApiKeysFileError) return error;
      throw error;
    }
    throw new Error('expected the file to be refused');
  };

  it('reads the entries, normalising the hash to lower case', () => {
    expect(parseApiKeysDocument('keys.json', JSON.stringify([{ ...entry, sha256: KNOWN_SHA256.toUpperCase() }]))).toEqual([entry]);
    expect(parseApiKeysDocument('keys.json', '[]')).toEqual([]);
  });

  it('names the file, the entry and the field of every problem', () => {
    const error = problems(
      JSON.stringify([entry, { ...entry, id: 'ops', scopes: ['sources:read', 'sources:write'] }, { ...entry, sha256: 'abc' }, { ...entry, id: 'x', tenant: 'a.b', extra: 1 }]),
    );
    expect(error.message).toMatch(/^\/etc\/keys\.json \(GATEWAY_API_KEYS_FILE\): invalid API keys file:/);
    expect(error.problems).toEqual([
      expect.stringMatching(/^\[1\] \(id "ops"\)\.scopes\[1\]: /),
      expect.stringMatching(/^\[2\] \(id "ci"\)\.sha256: must be the 64 hex digits of sha256\(secret\)/),
      expect.stringMatching(/^\[3\] \(id "x"\)\.tenant: /),
      expect.stringMatching(/^\[3\] \(id "x"\): .*extra/),
    ]);
  });

  it('refuses duplicate ids and files that are not a JSON array', () => {
    expect(problems(JSON.stringify([entry, entry])).problems).toEqual(['[1] (id "ci").id: id ci is also used by entry [0]']);
    expect(problems('{"keys": []}').problems).toEqual([expect.stringMatching(/^\(root\): /)]);
    expect(problems('[{').problems).toEqual([expect.stringMatching(/^not valid JSON: /)]);
  });
});
