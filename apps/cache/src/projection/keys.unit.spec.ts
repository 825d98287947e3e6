import { describe, expect, it } from 'vitest';
import { indexKey, metaKey, recordsKey, sourceKeyList, sourceKeys, versionsKey } from './keys';

describe('cache key names', () => {
  it('names a source\'s keys under its tenant hash tag (the Redis client adds REDIS_KEY_PREFIX)', () => {
    expect(recordsKey('acme', 'orders')).toBe('src:{acme}:orders:records');
    expect(metaKey('acme', 'orders')).toBe('src:{acme}:orders:meta');
    expect(indexKey('acme', 'orders')).toBe('src:{acme}:orders:index');
    expect(versionsKey('acme', 'orders')).toBe('src:{acme}:orders:versions');
  });

  it('lists the keys in the order the scripts take them, all in one cluster slot', () => {
    const list = sourceKeyList(sourceKeys('acme', 'orders'));
    expect(list).toEqual(['src:{acme}:orders:records', 'src:{acme}:orders:index', 'src:{acme}:orders:versions', 'src:{acme}:orders:meta']);
    expect(new Set(list.map((k) => /\{([^}]*)\}/.exec(k)?.[1]))).toEqual(new Set(['acme']));
  });

  it('keeps sources of different tenants apart', () => {
    expect(recordsKey('a', 'b_c')).not.toBe(recordsKey('a_b', 'c'));
  });
});
