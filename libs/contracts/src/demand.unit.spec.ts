import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WATCHED_MIN_AGE_MS,
  InvalidDemandKeyError,
  demandBucketName,
  demandKey,
  demandValueSchema,
  effectiveWatchedMinAgeMs,
  parseDemandKey,
  watchedMinAgeRule,
} from './demand';
import { InvalidSubjectTokenError } from './errors';
import { listSourcesReplySchema } from './rpc';
import { sourceDefinitionSchema, sourceInfoSchema } from './sources/source-definition';

const definition = (extra: object) => ({ tenant: 'acme', source: 'orders', connector: { type: 'http-paged-list', baseUrl: 'http://x', path: '/x' }, ...extra });

describe('demand bucket and keys', () => {
  it('names the bucket after the subject prefix, with characters KV accepts', () => {
    expect(demandBucketName('freshet')).toBe('freshet_demand');
    expect(demandBucketName('ft_abc-1')).toMatch(/^[-\w]+$/);
    for (const bad of ['a.b', 'a b', '', 'x>', 'é']) expect(() => demandBucketName(bad), bad).toThrow(InvalidSubjectTokenError);
  });

  it('builds <tenant>.<source>.<instanceId> and parses it back', () => {
    const key = demandKey({ tenant: 'acme', source: 'orders', instanceId: 'gw-1_a' });
    expect(key).toBe('acme.orders.gw-1_a');
    expect(parseDemandKey(key)).toEqual({ tenant: 'acme', source: 'orders', instanceId: 'gw-1_a' });
  });

  it.each([
    ['tenant', { tenant: 'a.b', source: 's', instanceId: 'g' }],
    ['tenant', { tenant: '*', source: 's', instanceId: 'g' }],
    ['source', { tenant: 't', source: '>', instanceId: 'g' }],
    ['source', { tenant: 't', source: '_tenant', instanceId: 'g' }],
    ['instanceId', { tenant: 't', source: 's', instanceId: 'host.example.com-12' }],
    ['instanceId', { tenant: 't', source: 's', instanceId: '' }],
    ['instanceId', { tenant: 't', source: 's', instanceId: 'x'.repeat(65) }],
  ])('refuses a bad %s', (field, parts) => {
    expect(() => demandKey(parts)).toThrow(InvalidDemandKeyError);
    expect(() => demandKey(parts)).toThrow(new RegExp(`^${field}`));
  });

  it('ignores keys that are not demand keys', () => {
    for (const key of ['acme.orders', 'acme.orders.gw.extra', 'acme._tenant.gw', 'acme..gw', '']) expect(parseDemandKey(key), key).toBeUndefined();
  });

  it('validates the value', () => {
    const value = { tenant: 'acme', source: 'orders', streams: 2, since: '2026-11-25T12:00:00.000Z' };
    expect(demandValueSchema.parse(value)).toEqual(value);
    expect(demandValueSchema.safeParse({ ...value, streams: 0 }).success).toBe(false);
    expect(demandValueSchema.safeParse({ ...value, since: 'yesterday' }).success).toBe(false);
    expect(demandValueSchema.safeParse({ ...value, extra: 1 }).success).toBe(false);
  });
});

describe('watchedMinAgeMs', () => {
  it('is optional on a source definition, a positive whole number of ms, and absent when unset', () => {
    expect(sourceDefinitionSchema.parse(definition({})).watchedMinAgeMs).toBeUndefined();
    expect(sourceDefinitionSchema.parse(definition({ watchedMinAgeMs: 30_000 })).watchedMinAgeMs).toBe(30_000);
    for (const bad of [0, -1, 1.5, '60000']) {
      expect(sourceDefinitionSchema.safeParse(definition({ watchedMinAgeMs: bad })).error?.issues.map((i) => i.path.join('.')), String(bad)).toEqual(['watchedMinAgeMs']);
    }
    expect(sourceInfoSchema.parse({ ...definition({ watchedMinAgeMs: 30_000 }), lastSyncedAt: null, recordCount: 0 }).watchedMinAgeMs).toBe(30_000);
  });

  it('defaults to 60 s, never more than minAgeMs', () => {
    expect(DEFAULT_WATCHED_MIN_AGE_MS).toBe(60_000);
    expect(effectiveWatchedMinAgeMs({ minAgeMs: 900_000 })).toBe(60_000);
    expect(effectiveWatchedMinAgeMs({ minAgeMs: 30_000 })).toBe(30_000);
    expect(effectiveWatchedMinAgeMs({ minAgeMs: 900_000, watchedMinAgeMs: 10_000 })).toBe(10_000);
    expect(effectiveWatchedMinAgeMs({ minAgeMs: 60_000, watchedMinAgeMs: 120_000 })).toBe(60_000);
  });

  it('must not exceed minAgeMs where the rule is applied, with a message that says why', () => {
    const checked = sourceDefinitionSchema.superRefine(watchedMinAgeRule);
    expect(checked.safeParse(definition({ minAgeMs: 60_000, watchedMinAgeMs: 60_000 })).success).toBe(true);
    expect(checked.safeParse(definition({ minAgeMs: 30_000 })).success).toBe(true); // unset: capped, not refused
    const issues = checked.safeParse(definition({ minAgeMs: 60_000, watchedMinAgeMs: 120_000 })).error?.issues ?? [];
    expect(issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'watchedMinAgeMs: must not be more than minAgeMs (60000): a source with live subscribers is kept at least as fresh as one without (got 120000)',
    ]);
    // The rule also applies after omit, as ingest's route body schema needs.
    const body = sourceDefinitionSchema.omit({ tenant: true, source: true }).superRefine(watchedMinAgeRule);
    expect(body.safeParse({ connector: definition({}).connector, minAgeMs: 1_000, watchedMinAgeMs: 2_000 }).success).toBe(false);
  });

  it('travels in the list-sources reply, optionally', () => {
    const reply = (extra: object) => listSourcesReplySchema.parse({ ok: true, sources: [{ tenant: 'a', source: 'b', lastSyncedAt: null, minAgeMs: 900_000, ...extra }] });
    expect(reply({ watchedMinAgeMs: 30_000 })).toMatchObject({ sources: [{ watchedMinAgeMs: 30_000 }] });
    const without = reply({});
    expect(without.ok && without.sources[0] && 'watchedMinAgeMs' in without.sources[0]).toBe(false);
  });
});
