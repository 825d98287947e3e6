import { describe, expect, it } from 'vitest';
import { snapshotPageSchema, type SnapshotMeta } from '@freshet/contracts';
import { encodeSnapshotPage, looksLikeJsonObject } from './encode-page';

const meta: SnapshotMeta = { seq: 7, epoch: 'e1', lastSyncedAt: null, ageMs: null, staleAfterMs: 1000, state: 'stale', servedFrom: 'cache', count: 2 };
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('encodeSnapshotPage', () => {
  it('writes the same JSON JSON.stringify would, from the stored bytes', () => {
    const records = [
      { key: 'a"quoted\\key', record: { n: 1, text: 'ünïcödé ✓', nested: { list: [1, 'x'] } } },
      { key: 'é', record: {} },
    ];
    const page = { records, next: 'cursor-1', meta };
    const encoded = encodeSnapshotPage({ records: records.map((r) => ({ key: r.key, json: json(r.record) })), next: 'cursor-1', meta });
    expect(encoded.toString()).toBe(JSON.stringify(page));
    expect(snapshotPageSchema.parse(JSON.parse(encoded.toString()))).toEqual(page);
  });

  it('writes an empty page, without next, and with a head for RPC answers', () => {
    expect(encodeSnapshotPage({ records: [], meta }).toString()).toBe(JSON.stringify({ records: [], meta }));
    expect(JSON.parse(encodeSnapshotPage({ records: [{ key: 'k', json: json({ a: 1 }) }], meta }, '"ok":true,').toString())).toEqual({
      ok: true,
      records: [{ key: 'k', record: { a: 1 } }],
      meta,
    });
  });
});

describe('looksLikeJsonObject', () => {
  it('accepts stored objects and refuses what damage looks like', () => {
    expect(looksLikeJsonObject(json({ a: 1 }))).toBe(true);
    expect(looksLikeJsonObject(json({}))).toBe(true);
    for (const bad of ['', '{', 'garbage', '{"a":1', '[1]', '"text"', '42']) expect(looksLikeJsonObject(Buffer.from(bad)), bad).toBe(false);
  });
});
