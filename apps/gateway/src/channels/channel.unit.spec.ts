import { describe, expect, it } from 'vitest';
import { HttpProblem } from '@freshet/telemetry';
import type { Principal, Scope } from '../auth/principal';
import { authorizeChannels, channelCarries, parseChannels } from './channel';

const principal = (tenant: string, scopes: Scope[]): Principal => ({ subject: 'u1', tenant, scopes: new Set(scopes), kind: 'jwt', credentialId: 'c1' });
const problem = (work: () => unknown): HttpProblem => {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpProblem);
    return error as HttpProblem;
  }
  throw new Error('expected a refusal');
};

describe('channels', () => {
  it('parses source, tenant and admin channels of one tenant, duplicates once', () => {
    expect(parseChannels('acme', ['source:orders', 'tenant', 'admin', 'source:orders'])).toEqual([
      { kind: 'source', tenant: 'acme', source: 'orders' },
      { kind: 'tenant', tenant: 'acme' },
      { kind: 'admin', tenant: 'acme' },
    ]);
  });

  it('refuses nothing, garbage, reserved and subject-breaking names with 400', () => {
    expect(problem(() => parseChannels('acme', [])).statusCode).toBe(400);
    for (const bad of ['orders', 'source:', 'source:a.*', 'source:_tenant', 'tenants', 'source:a b']) {
      expect(problem(() => parseChannels('acme', [bad])).code, bad).toBe('BAD_CHANNEL');
    }
    expect(problem(() => parseChannels('acme', Array.from({ length: 51 }, (_, i) => `source:s${i}`))).code).toBe('TOO_MANY_CHANNELS');
  });

  it("refuses another tenant's channels and channels beyond the caller's scopes with 403", () => {
    const reader = principal('acme', ['sources:read']);
    expect(() => authorizeChannels(reader, parseChannels('acme', ['source:orders', 'tenant']))).not.toThrow();
    expect(problem(() => authorizeChannels(reader, parseChannels('beta', ['source:orders'])))).toMatchObject({ statusCode: 403, code: 'FOREIGN_TENANT' });
    expect(problem(() => authorizeChannels(reader, parseChannels('acme', ['admin'])))).toMatchObject({ statusCode: 403, code: 'MISSING_SCOPE' });
    expect(() => authorizeChannels(principal('acme', ['admin:read']), parseChannels('acme', ['admin']))).not.toThrow();
  });

  it('routes events: a source its own, the tenant all but metrics, admin the operational ones, never another tenant', () => {
    const [source, tenant, admin] = parseChannels('acme', ['source:orders', 'tenant', 'admin']) as [never, never, never];
    const event = (type: string, source = 'orders', t = 'acme') => ({ type, tenant: t, source }) as never;
    expect(channelCarries(source, event('content.created'))).toBe(true);
    expect(channelCarries(source, event('content.created', 'stock'))).toBe(false);
    expect(channelCarries(tenant, event('content.created', 'stock'))).toBe(true);
    expect(channelCarries(tenant, event('metrics.updated', '_tenant'))).toBe(false);
    expect(channelCarries(admin, event('content.created'))).toBe(false);
    for (const type of ['job.dead', 'source.status', 'cache.cleared', 'metrics.updated']) expect(channelCarries(admin, event(type))).toBe(true);
    for (const channel of [source, tenant, admin]) expect(channelCarries(channel, event('job.dead', 'orders', 'beta'))).toBe(false);
  });
});
