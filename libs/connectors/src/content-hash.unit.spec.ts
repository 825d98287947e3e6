import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash } from './content-hash';

describe('contentHash', () => {
  it('ignores key order at every depth', () => {
    expect(contentHash({ a: 1, b: { c: [1, { d: 2, e: 3 }] } })).toBe(contentHash({ b: { c: [1, { e: 3, d: 2 }] }, a: 1 }));
  });

  it('changes when a value changes', () => {
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: 2 }));
    expect(contentHash({ a: [1, 2] })).not.toBe(contentHash({ a: [2, 1] }));
  });

  it('writes canonical JSON', () => {
    expect(canonicalJson({ z: null, a: 'x', m: undefined })).toBe('{"a":"x","z":null}');
  });
});
