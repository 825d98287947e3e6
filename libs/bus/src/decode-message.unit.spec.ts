import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeMessage } from './decode-message';

const schema = z.object({ id: z.string().min(3), n: z.number().int() });
const bytes = (s: string) => new TextEncoder().encode(s);

describe('decodeMessage', () => {
  it('returns the parsed value', () => {
    expect(decodeMessage(bytes('{"id":"abc","n":1}'), schema)).toEqual({ ok: true, data: { id: 'abc', n: 1 } });
  });

  it('explains invalid JSON without throwing', () => {
    const r = decodeMessage(bytes('{not json'), schema);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/^invalid JSON: /);
  });

  it('rejects bytes that are not UTF-8', () => {
    const r = decodeMessage(new Uint8Array([0xff, 0xfe, 0x7b]), schema);
    expect(!r.ok && r.reason).toMatch(/^invalid JSON: /);
  });

  it('summarizes schema issues with their paths', () => {
    const r = decodeMessage(bytes('{"id":"a","n":1.5}'), schema);
    expect(!r.ok && r.reason).toMatch(/^schema validation failed: id: .+; n: .+/);
  });

  it('caps the number of issues listed', () => {
    const wide = z.object(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`f${i}`, z.string()])));
    const r = decodeMessage(bytes('{}'), wide);
    expect(!r.ok && r.reason).toMatch(/\(\+3 more\)$/);
  });
});
