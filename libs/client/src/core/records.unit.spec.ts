import { describe, expect, it } from 'vitest';
import type { SourceRecord } from '../types';
import { compareKeys, mergeRecordChanges, sortRecords } from './records';

const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
const alphabet = ['a', 'b', 'Z', '0', '10', '9', 'é', '\uffee', '😀', '\u{10000}', '-', '_'];

function randomKey(random: () => number): string {
  const length = 1 + Math.floor(random() * 4);
  return Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
}

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('record keys and order', () => {
  it('compares keys in UTF-8 byte order (the gateway order), also above U+FFFF', () => {
    const random = seeded(7);
    for (let i = 0; i < 2_000; i += 1) {
      const a = randomKey(random);
      const b = randomKey(random);
      expect(Math.sign(compareKeys(a, b)), `${a} vs ${b}`).toBe(Math.sign(byteOrder(a, b)));
    }
    // The case UTF-16 order gets wrong: U+FFEE has a larger code unit than a surrogate but a smaller code point.
    expect(compareKeys('\uffee', '😀')).toBeLessThan(0);
  });

  it('sorts unsorted snapshots and keeps the last of a repeated key', () => {
    const records: SourceRecord[] = [
      { key: 'b', record: { v: 1 } },
      { key: 'a', record: { v: 1 } },
      { key: 'b', record: { v: 2 } },
    ];
    expect(sortRecords(records)).toEqual([
      { key: 'a', record: { v: 1 } },
      { key: 'b', record: { v: 2 } },
    ]);
    const sorted = [{ key: 'a', record: {} }, { key: 'b', record: {} }];
    expect(sortRecords(sorted)).toEqual(sorted);
  });

  it('merges upserts and deletes like a map would, in key order', () => {
    const random = seeded(42);
    for (let round = 0; round < 200; round += 1) {
      const reference = new Map<string, Record<string, unknown>>();
      for (let i = 0; i < 20; i += 1) reference.set(randomKey(random), { n: i });
      const records = [...reference].map(([key, record]) => ({ key, record })).sort((a, b) => byteOrder(a.key, b.key));
      const changes = new Map<string, Record<string, unknown> | null>();
      for (let i = 0; i < 8; i += 1) changes.set(randomKey(random), random() < 0.4 ? null : { changed: i });
      for (const [key, record] of changes) {
        if (record === null) reference.delete(key);
        else reference.set(key, record);
      }
      const expected = [...reference].map(([key, record]) => ({ key, record })).sort((a, b) => byteOrder(a.key, b.key));
      expect(mergeRecordChanges(records, changes)).toEqual(expected);
    }
  });
});
