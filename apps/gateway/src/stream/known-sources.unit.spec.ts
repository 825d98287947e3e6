// Bad input: event subjects name any tenant and source. Only pairs the registry confirmed
// become metric labels; everything else is `other`, with a bounded number of lookups.
import { describe, expect, it } from 'vitest';
import { createKnownSources, type KnownSourcesOptions } from './known-sources';

function setup(registry: Set<string>, overrides: Partial<KnownSourcesOptions> = {}) {
  const asked: string[] = [];
  let clock = 0;
  const pending: Array<() => void> = [];
  const known = createKnownSources({
    exists: (tenant, source) => {
      asked.push(`${tenant}/${source}`);
      return new Promise((resolve) => pending.push(() => resolve(registry.has(`${tenant}/${source}`))));
    },
    maxSources: 100,
    maxTenants: 10,
    retryAfterMs: 60_000,
    maxLookups: 4,
    now: () => clock,
    ...overrides,
  });
  const answer = async () => {
    pending.splice(0).forEach((resolve) => resolve());
    await new Promise((r) => setImmediate(r));
  };
  return { known, asked, answer, advance: (ms: number) => (clock += ms) };
}

describe('known sources (metric labels)', () => {
  it('labels a pair by name once the registry confirmed it, `other` until then, without waiting', async () => {
    const { known, asked, answer } = setup(new Set(['acme/orders']));
    expect(known.labels('acme', 'orders')).toEqual({ tenant: '_other', source: '_other' });
    await answer();
    expect(known.labels('acme', 'orders')).toEqual({ tenant: 'acme', source: 'orders' });
    expect(asked).toEqual(['acme/orders']);
  });

  it('takes a confirmation from a stream route without asking', () => {
    const { known, asked } = setup(new Set());
    known.confirm('acme', 'orders');
    expect(known.labels('acme', 'orders')).toEqual({ tenant: 'acme', source: 'orders' });
    expect(asked).toEqual([]);
  });

  it('keeps made-up sources out of the labels, asks for each at most once per retry period, and a bounded number at once', async () => {
    const { known, asked, answer, advance } = setup(new Set(['acme/orders']));
    known.confirm('acme', 'orders');
    const labels = Array.from({ length: 500 }, (_, i) => known.labels('acme', `junk-${i % 50}`));
    // The tenant is known, the sources are not.
    expect(new Set(labels.map((l) => `${l.tenant}/${l.source}`))).toEqual(new Set(['acme/_other']));
    expect(asked).toHaveLength(4);
    await answer();
    for (let i = 0; i < 4; i++) known.labels('acme', `junk-${i}`);
    expect(asked).toHaveLength(4); // just refused: not asked again yet
    advance(60_001);
    known.labels('acme', 'junk-0');
    expect(asked).toHaveLength(5);
    expect(known.labels('initech', 'x')).toEqual({ tenant: '_other', source: '_other' });
  });

  it('labels at most maxSources pairs by name; the next ones count under their tenant as `other`', () => {
    const { known } = setup(new Set(), { maxSources: 2 });
    for (const source of ['a', 'b', 'c']) known.confirm('acme', source);
    expect(['a', 'b', 'c'].map((s) => known.labels('acme', s).source)).toEqual(['a', 'b', '_other']);
  });

  it('treats a failed lookup like an unknown source until the retry time, and reports it', async () => {
    const errors: unknown[] = [];
    const known = createKnownSources({
      exists: () => Promise.reject(new Error('directory down')),
      maxSources: 10,
      maxTenants: 10,
      retryAfterMs: 1_000,
      maxLookups: 1,
      onLookupError: (error) => errors.push(error),
    });
    expect(known.labels('acme', 'orders').source).toBe('_other');
    await new Promise((r) => setImmediate(r));
    expect(errors).toHaveLength(1);
    expect(known.labels('acme', 'orders').source).toBe('_other');
    await new Promise((r) => setImmediate(r));
    expect(errors).toHaveLength(1);
  });
});
