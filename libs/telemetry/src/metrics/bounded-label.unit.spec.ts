import { describe, expect, it } from 'vitest';
import { boundedLabel, boundedSourceLabels, OTHER_LABEL_VALUE } from './bounded-label';

describe('boundedLabel', () => {
  it('passes allowed values and turns the rest into `other`', () => {
    const known = new Set(['acme', 'globex']);
    const tenant = boundedLabel({ max: 10, allowed: (v) => known.has(v) });
    expect(tenant('acme')).toBe('acme');
    expect(tenant('globex')).toBe('globex');
    expect(tenant('initech')).toBe(OTHER_LABEL_VALUE);
    expect([...tenant.admitted]).toEqual(['acme', 'globex']);
  });

  it('admits at most `max` distinct values, and keeps the ones it admitted', () => {
    const label = boundedLabel({ max: 3 });
    const values = Array.from({ length: 1000 }, (_, i) => label(`tenant-${i}`));
    expect(new Set(values)).toEqual(new Set(['tenant-0', 'tenant-1', 'tenant-2', OTHER_LABEL_VALUE]));
    expect(label('tenant-1')).toBe('tenant-1');
    expect(label.admitted.size).toBe(3);
  });

  it('never admits malformed or hostile values, whatever `allowed` says', () => {
    const label = boundedLabel({ max: 100, allowed: () => true });
    for (const bad of ['', ' acme', 'a"b', 'a\nb', 'x'.repeat(201), '../etc', 'é', '{tenant}', OTHER_LABEL_VALUE, undefined, null, 42, { toString: () => 'acme' }]) {
      expect(label(bad)).toBe(OTHER_LABEL_VALUE);
    }
    expect(label.admitted.size).toBe(0);
  });

  it('does not spend the budget on values it refuses', () => {
    const label = boundedLabel({ max: 1, allowed: (v) => v.startsWith('ok') });
    expect(label('nope')).toBe(OTHER_LABEL_VALUE);
    expect(label('ok-1')).toBe('ok-1');
    expect(label('ok-2')).toBe(OTHER_LABEL_VALUE);
  });

  it('accepts ids with dots, dashes, underscores and a port (upstream hosts)', () => {
    const label = boundedLabel({ max: 5 });
    expect(label('127.0.0.1:4010')).toBe('127.0.0.1:4010');
    expect(label('my_source-2.v1')).toBe('my_source-2.v1');
  });

  it('refuses a negative or fractional max', () => {
    expect(() => boundedLabel({ max: -1 })).toThrow(RangeError);
    expect(() => boundedLabel({ max: 1.5 })).toThrow(RangeError);
  });
});

describe('boundedSourceLabels', () => {
  const other = { tenant: OTHER_LABEL_VALUE, source: OTHER_LABEL_VALUE };

  it('bounds the number of tenant and source pairs, not each label alone', () => {
    const labels = boundedSourceLabels({ max: 2 });
    expect(labels('acme', 'orders')).toEqual({ tenant: 'acme', source: 'orders' });
    expect(labels('acme', 'users')).toEqual({ tenant: 'acme', source: 'users' });
    expect(labels('acme', 'stock')).toEqual(other);
    expect(labels('acme', 'orders')).toEqual({ tenant: 'acme', source: 'orders' });
  });

  it('asks `allowed` about the pair, and refuses malformed or colon-smuggled ids', () => {
    const registry = new Set(['acme/orders']);
    const labels = boundedSourceLabels({ max: 10, allowed: (t, s) => registry.has(`${t}/${s}`) });
    expect(labels('acme', 'orders')).toEqual({ tenant: 'acme', source: 'orders' });
    expect(labels('acme', 'made-up')).toEqual(other);
    expect(labels('acme:orders', '')).toEqual(other);
    expect(labels('acme', 'orders:x')).toEqual(other);
    expect(labels('acme', 'a b')).toEqual(other);
    expect(labels(undefined, 'orders')).toEqual(other);
    expect(labels(OTHER_LABEL_VALUE, 'orders')).toEqual(other);
  });
});
