import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateApiKey } from './api-key';

describe('API key generator', () => {
  it('makes the known key the gateway tests accept (apps/gateway/src/auth/api-key.unit.spec.ts)', () => {
    const { key, entry } = generateApiKey('ci', 'acme', ['sources:read'], Buffer.alloc(32, 7));
    expect(key).toBe('fsk_ci_BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc');
    expect(entry).toEqual({ id: 'ci', tenant: 'acme', scopes: ['sources:read'], sha256: 'dc4bf80c77473d130fa0de86ba4018fe98bb214005e6a5891d12ba91446f9e81' });
  });

  it('makes fsk_<id>_<256-bit base64url secret> keys whose entry holds only the hash', () => {
    const { key, entry } = generateApiKey('ops1', 'acme', ['admin:read', 'admin:read', 'admin:write']);
    const match = /^fsk_ops1_([A-Za-z0-9_-]{43})$/.exec(key);
    expect(match).not.toBeNull();
    expect(entry.sha256).toBe(createHash('sha256').update(match![1]!).digest('hex'));
    expect(entry.scopes).toEqual(['admin:read', 'admin:write']);
    expect(JSON.stringify(entry)).not.toContain(match![1]!);
    expect(generateApiKey('ops1', 'acme', ['admin:read']).key).not.toBe(key);
  });

  it('refuses what the gateway would refuse', () => {
    expect(() => generateApiKey('Ops', 'acme', ['admin:read'])).toThrow(/id "Ops" must be 1-32 characters of a-z or 0-9/);
    expect(() => generateApiKey('ops', 'a.b', ['admin:read'])).toThrow(/tenant/);
    expect(() => generateApiKey('ops', 'acme', ['admin:everything'])).toThrow(/unknown scope admin:everything/);
    expect(() => generateApiKey('ops', 'acme', ['admin:read'], Buffer.alloc(16))).toThrow(/32 random bytes/);
  });
});
