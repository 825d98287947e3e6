import { describe, expect, it } from 'vitest';
import {
  EVENT_TYPES,
  freshetEventSchema,
  sourceDefinitionSchema,
  syncCommandSchema,
  tierForPriority,
  type FreshetEvent,
} from './index';

const base = {
  id: '0b7c7f0e-6a8e-4a2f-9c43-0c0f6b0b2a11',
  tenant: 'acme',
  source: 'orders',
  time: '2026-11-25T10:00:00.000Z',
};
const jobId = '5f0c2a44-3a55-4bd3-8a4e-7f7f3c1f0a01';

describe('event schemas', () => {
  it('covers content and job families', () => {
    expect(EVENT_TYPES).toEqual(
      expect.arrayContaining(['content.created', 'content.updated', 'content.deleted', 'job.queued', 'job.started', 'job.completed', 'job.failed']),
    );
  });

  it('parses a content.created event and infers its type', () => {
    const event: FreshetEvent = freshetEventSchema.parse({
      ...base,
      type: 'content.created',
      data: { key: '17', hash: 'abc', record: { id: 17, name: 'x' }, jobId },
      trace: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
    expect(event.type).toBe('content.created');
  });

  it.each([
    ['a missing id', { ...base, id: undefined, type: 'content.deleted', data: { key: '1', previousHash: 'h', jobId } }],
    ['a tenant with a dot', { ...base, tenant: 'a.b', type: 'content.deleted', data: { key: '1', previousHash: 'h', jobId } }],
    ['an unknown type', { ...base, type: 'content.exploded', data: {} }],
    ['a bad time', { ...base, time: 'yesterday', type: 'content.deleted', data: { key: '1', previousHash: 'h', jobId } }],
    ['a bad traceparent', { ...base, type: 'content.deleted', data: { key: '1', previousHash: 'h', jobId }, trace: { traceparent: 'x' } }],
    ['data of another type', { ...base, type: 'job.failed', data: { key: '1', previousHash: 'h', jobId } }],
  ])('rejects an event with %s', (_label, input) => {
    expect(freshetEventSchema.safeParse(input).success).toBe(false);
  });
});

describe('sync command', () => {
  const command = {
    type: 'sync.requested',
    commandId: base.id,
    jobId,
    tenant: 'acme',
    source: 'orders',
    priority: 10,
    reason: 'refresh requested',
    requestedAt: base.time,
  };

  it('defaults the mode to incremental', () => {
    expect(syncCommandSchema.parse(command).mode).toBe('incremental');
  });

  it.each([
    ['priority 11', { ...command, priority: 11 }],
    ['a fractional priority', { ...command, priority: 2.5 }],
    ['a source with a wildcard', { ...command, source: 'or*' }],
    ['no job id', { ...command, jobId: undefined }],
  ])('rejects %s', (_label, input) => {
    expect(syncCommandSchema.safeParse(input).success).toBe(false);
  });

  it('maps priorities onto tiers', () => {
    expect([10, 7, 5, 4, 3, 1, 0].map(tierForPriority)).toEqual(['p10', 'p5', 'p5', 'p3', 'p3', 'p0', 'p0']);
  });
});

describe('source definition', () => {
  it('fills connector defaults', () => {
    const def = sourceDefinitionSchema.parse({
      tenant: 'acme',
      source: 'orders',
      connector: { type: 'http-paged-list', baseUrl: 'http://127.0.0.1:4010', path: '/v1/datasets/demo/items' },
    });
    expect(def.connector).toMatchObject({
      type: 'http',
      primaryKey: 'id',
      pagination: { type: 'pageNumber', pageParam: 'page', totalPagesHeader: 'x-pages' },
      incremental: { strategy: 'full' },
    });
    expect(def.staleAfterMs).toBe(3_600_000);
    expect(def.cacheTtlMs).toBeUndefined();
  });

  it('takes an optional cache TTL of at least a second, in whole milliseconds', () => {
    const withTtl = (cacheTtlMs: unknown) =>
      sourceDefinitionSchema.safeParse({ tenant: 'acme', source: 'orders', connector: { type: 'http-paged-list', baseUrl: 'http://x', path: '/x' }, cacheTtlMs });
    expect(withTtl(86_400_000).data?.cacheTtlMs).toBe(86_400_000);
    expect(withTtl(1_000).success).toBe(true);
    for (const bad of [999, 0, -1, 1_500.5, '60000', null]) {
      expect(withTtl(bad).error?.issues.map((i) => i.path.join('.')), String(bad)).toEqual(['cacheTtlMs']);
    }
  });

  it('points at the bad field', () => {
    const result = sourceDefinitionSchema.safeParse({
      tenant: 'acme',
      source: 'orders',
      connector: { type: 'http-paged-list', baseUrl: 'ftp://x', path: 'no-slash' },
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['connector.baseUrl', 'connector.path']));
  });
});

describe('credentials stay out of source configs', () => {
  const connector = (extra: object) => ({ tenant: 'acme', source: 'orders', connector: { type: 'http', baseUrl: 'https://api.example.com', path: '/x', ...extra } });
  const issues = (input: object) => sourceDefinitionSchema.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

  it.each([
    ['a user and password in the base URL', { baseUrl: 'https://me:secret@api.example.com' }, /connector\.baseUrl: must not contain a user or password/],
    ['an Authorization header', { headers: { Authorization: 'Bearer abc' } }, /connector\.headers\.Authorization: looks like a credential/],
    ['an API key header', { headers: { 'X-Api-Key': 'abc' } }, /looks like a credential/],
    ['a token query parameter', { query: { access_token: 'abc' } }, /connector\.query\.access_token: looks like a credential/],
  ])('refuses %s', (_label, extra, message) => {
    expect(issues(connector(extra)).join('\n')).toMatch(message);
  });

  it('refuses it in presets too, and accepts harmless headers and parameters', () => {
    expect(issues({ tenant: 'a', source: 'b', connector: { type: 'esi-list', baseUrl: 'https://u:p@esi.example.com', path: '/x' } }).join()).toMatch(/user or password/);
    expect(issues(connector({ headers: { 'Accept-Language': 'tr' }, query: { datasource: 'tranquility' } }))).toEqual([]);
  });
});

describe('reserved source ids', () => {
  it("refuses a source id starting with '_' (tenant-wide events use them)", () => {
    const result = sourceDefinitionSchema.safeParse({ tenant: 'acme', source: '_tenant', connector: { type: 'http-paged-list', baseUrl: 'http://x', path: '/x' } });
    expect(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(["source: must not start with '_' (reserved)"]);
  });
});
