import { describe, expect, it } from 'vitest';
import { upstreamKeys } from './upstream-keys';

describe('upstreamKeys', () => {
  it('builds every key under the prefix', () => {
    const keys = upstreamKeys('ft:abc:');
    expect(keys.bucket('esi')).toBe('ft:abc:upstream:esi:bucket');
    expect(keys.credentialBucket('esi', 'char-1')).toBe('ft:abc:upstream:esi:credential:char-1:bucket');
    expect(keys.pageGap('esi')).toBe('ft:abc:upstream:esi:page-gap');
    expect(keys.pause('esi')).toBe('ft:abc:upstream:esi:pause');
  });

  it('adds the separator a prefix lacks', () => {
    expect(upstreamKeys('freshet').pause('u')).toBe('freshet:upstream:u:pause');
    expect(upstreamKeys('').pause('u')).toBe('upstream:u:pause');
  });

  it('escapes ids so they cannot collide', () => {
    const keys = upstreamKeys('p:');
    expect(keys.credentialBucket('a:b', 'c')).not.toBe(keys.credentialBucket('a', 'b:c'));
    expect(keys.bucket('a:credential:b')).toBe('p:upstream:a%3Acredential%3Ab:bucket');
    expect(keys.bucket('100%')).toBe('p:upstream:100%25:bucket');
  });
});
