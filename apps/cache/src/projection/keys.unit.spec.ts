import { describe, expect, it } from 'vitest';
import { EXPIRY_KEY, expiryMember, indexKey, metaKey, parseExpiryMember, recordsKey, sourceKeyList, sourceKeys, versionsKey } from './keys';

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

  it('names the expiry set outside every tenant slot', () => {
    expect(EXPIRY_KEY).toBe('views:expiry');
    expect(EXPIRY_KEY).not.toMatch(/\{/);
  });
});

describe('expiry members', () => {
  it('encode tenant and source so they read back the same', () => {
    expect(expiryMember('acme', 'orders')).toBe('acme/orders');
    for (const [tenant, source] of [['acme', 'orders'], ['a_b', 'c'], ['a', 'b_c'], ['A-1', 'x-y_Z9'], ['_tenant', 'x']]) {
      expect(parseExpiryMember(expiryMember(tenant!, source!))).toEqual({ tenant, source });
    }
  });

  it('keep sources of different tenants apart', () => {
    expect(expiryMember('a', 'b_c')).not.toBe(expiryMember('a_b', 'c'));
    expect(expiryMember('a-b', 'c')).not.toBe(expiryMember('a', 'b-c'));
  });

  it.each(['', 'acme', 'acme/', '/orders', 'acme/orders/x', 'ac me/orders', 'acme/ord:ers', 'acme/{x}', 'a.b/c'])('refuses %j', (member) => {
    expect(parseExpiryMember(member)).toBeUndefined();
  });
});
