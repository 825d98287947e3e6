// Every refused request gets a 4xx with the { error: { code, message } } shape, a message
// that names the problem, and leaves the store exactly as it was.
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemStore } from './item-store';
import { buildTestApp, storeState } from './test-app';

interface Case {
  name: string;
  request: InjectOptions;
  status: number;
  code: string;
  message: RegExp;
}

const json = (method: InjectOptions['method'], url: string, payload: unknown): InjectOptions => ({ method, url, payload: payload as InjectOptions['payload'] });
const PAGE = /query parameter "page" must be a positive integer/;

const cases: Case[] = [
  { name: 'page 0', request: { url: '/v1/datasets/demo/items?page=0' }, status: 400, code: 'INVALID_REQUEST', message: PAGE },
  { name: 'page -1', request: { url: '/v1/datasets/demo/items?page=-1' }, status: 400, code: 'INVALID_REQUEST', message: PAGE },
  { name: 'page abc', request: { url: '/v1/datasets/demo/items?page=abc' }, status: 400, code: 'INVALID_REQUEST', message: PAGE },
  { name: 'page 1.5', request: { url: '/v1/datasets/demo/items?page=1.5' }, status: 400, code: 'INVALID_REQUEST', message: PAGE },
  { name: 'empty page', request: { url: '/v1/datasets/demo/items?page=' }, status: 400, code: 'INVALID_REQUEST', message: PAGE },
  { name: 'repeated page', request: { url: '/v1/datasets/demo/items?page=1&page=2' }, status: 400, code: 'INVALID_REQUEST', message: /more than one value/ },
  { name: 'list: bad dataset name', request: { url: '/v1/datasets/a.b/items' }, status: 400, code: 'INVALID_REQUEST', message: /params\.dataset: must be 1-64 characters/ },
  { name: 'list: dataset name too long', request: { url: `/v1/datasets/${'x'.repeat(65)}/items` }, status: 400, code: 'INVALID_REQUEST', message: /params\.dataset/ },

  { name: 'page_size 0', request: { url: '/v1/datasets/demo/items?page_size=0' }, status: 400, code: 'INVALID_REQUEST', message: /query parameter "page_size" must be an integer from 1 to 1000, got "0"/ },
  { name: 'page_size 1001', request: { url: '/v1/datasets/demo/link-items?page_size=1001' }, status: 400, code: 'INVALID_REQUEST', message: /"page_size" must be an integer from 1 to 1000/ },
  { name: 'updated_since not a timestamp', request: { url: '/v1/datasets/demo/items?updated_since=yesterday' }, status: 400, code: 'INVALID_REQUEST', message: /"updated_since" must be an RFC 3339 timestamp/ },
  { name: 'updated_since without a zone', request: { url: '/v1/datasets/demo/offset-items?updated_since=2025-06-01T12:00:00' }, status: 400, code: 'INVALID_REQUEST', message: /"updated_since"/ },
  { name: 'cursor garbage', request: { url: '/v1/datasets/demo/cursor-items?cursor=abc' }, status: 400, code: 'INVALID_REQUEST', message: /"cursor" is not a cursor this API issued/ },
  { name: 'cursor repeated', request: { url: '/v1/datasets/demo/cursor-items?cursor=a&cursor=b' }, status: 400, code: 'INVALID_REQUEST', message: /"cursor" must be given once/ },
  { name: 'cursor limit 0', request: { url: '/v1/datasets/demo/cursor-items?limit=0' }, status: 400, code: 'INVALID_REQUEST', message: /"limit" must be an integer from 1 to 1000/ },
  { name: 'link page 0', request: { url: '/v1/datasets/demo/link-items?page=0' }, status: 400, code: 'INVALID_REQUEST', message: PAGE },
  { name: 'offset -1', request: { url: '/v1/datasets/demo/offset-items?offset=-1' }, status: 400, code: 'INVALID_REQUEST', message: /"offset" must be an integer from 0/ },
  { name: 'offset limit abc', request: { url: '/v1/datasets/demo/offset-items?limit=abc' }, status: 400, code: 'INVALID_REQUEST', message: /"limit"/ },
  { name: 'cursor list: bad dataset name', request: { url: '/v1/datasets/a.b/cursor-items' }, status: 400, code: 'INVALID_REQUEST', message: /params\.dataset/ },

  { name: 'PUT: negative count', request: json('PUT', '/admin/datasets/demo', { count: -1 }), status: 400, code: 'INVALID_REQUEST', message: /body\.count: Too small/ },
  { name: 'PUT: count as string', request: json('PUT', '/admin/datasets/demo', { count: '5' }), status: 400, code: 'INVALID_REQUEST', message: /body\.count/ },
  { name: 'PUT: count too large', request: json('PUT', '/admin/datasets/demo', { count: 2_000_000 }), status: 400, code: 'INVALID_REQUEST', message: /body\.count: Too big/ },
  { name: 'PUT: fractional seed', request: json('PUT', '/admin/datasets/demo', { seed: 1.5 }), status: 400, code: 'INVALID_REQUEST', message: /body\.seed/ },
  { name: 'PUT: unknown field', request: json('PUT', '/admin/datasets/demo', { cout: 5 }), status: 400, code: 'INVALID_REQUEST', message: /body: Unrecognized key: "cout"/ },
  { name: 'PUT: bad dataset name', request: json('PUT', '/admin/datasets/no%20spaces', { count: 1 }), status: 400, code: 'INVALID_REQUEST', message: /params\.dataset/ },
  { name: 'PUT: body is an array', request: json('PUT', '/admin/datasets/demo', [1]), status: 400, code: 'INVALID_REQUEST', message: /body: Invalid input: expected object/ },
  {
    name: 'PUT: malformed JSON',
    request: { method: 'PUT', url: '/admin/datasets/demo', headers: { 'content-type': 'application/json' }, payload: '{"count":' },
    status: 400,
    code: 'FST_ERR_CTP_INVALID_JSON_BODY',
    message: /not valid JSON/,
  },

  { name: 'POST: missing body', request: { method: 'POST', url: '/admin/datasets/demo/items' }, status: 400, code: 'INVALID_REQUEST', message: /body: Invalid input: expected object/ },
  { name: 'POST: missing name', request: json('POST', '/admin/datasets/demo/items', { price: 5 }), status: 400, code: 'INVALID_REQUEST', message: /body\.name/ },
  { name: 'POST: blank name', request: json('POST', '/admin/datasets/demo/items', { name: '   ' }), status: 400, code: 'INVALID_REQUEST', message: /body\.name: Too small/ },
  { name: 'POST: fractional price', request: json('POST', '/admin/datasets/demo/items', { name: 'x', price: 1.5 }), status: 400, code: 'INVALID_REQUEST', message: /body\.price/ },
  { name: 'POST: negative price', request: json('POST', '/admin/datasets/demo/items', { name: 'x', price: -1 }), status: 400, code: 'INVALID_REQUEST', message: /body\.price/ },
  { name: 'POST: quantity as string', request: json('POST', '/admin/datasets/demo/items', { name: 'x', quantity: '3' }), status: 400, code: 'INVALID_REQUEST', message: /body\.quantity/ },
  { name: 'POST: client-chosen id', request: json('POST', '/admin/datasets/demo/items', { name: 'x', id: 5 }), status: 400, code: 'INVALID_REQUEST', message: /Unrecognized key: "id"/ },
  { name: 'POST: bad body creates no dataset', request: json('POST', '/admin/datasets/brand-new/items', {}), status: 400, code: 'INVALID_REQUEST', message: /body\.name/ },
  { name: 'POST: bad dataset name', request: json('POST', '/admin/datasets/a.b/items', { name: 'x' }), status: 400, code: 'INVALID_REQUEST', message: /params\.dataset/ },
  {
    name: 'POST: not JSON',
    request: { method: 'POST', url: '/admin/datasets/demo/items', headers: { 'content-type': 'text/csv' }, payload: 'name\nx' },
    status: 415,
    code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
    message: /Unsupported Media Type/,
  },

  { name: 'PATCH: negative price', request: json('PATCH', '/admin/datasets/demo/items/1', { price: -5 }), status: 400, code: 'INVALID_REQUEST', message: /body\.price/ },
  { name: 'PATCH: name not a string', request: json('PATCH', '/admin/datasets/demo/items/1', { name: 5 }), status: 400, code: 'INVALID_REQUEST', message: /body\.name/ },
  { name: 'PATCH: valid and invalid fields together', request: json('PATCH', '/admin/datasets/demo/items/1', { name: 'ok', quantity: -1 }), status: 400, code: 'INVALID_REQUEST', message: /body\.quantity/ },
  { name: 'PATCH: id abc', request: json('PATCH', '/admin/datasets/demo/items/abc', { price: 1 }), status: 400, code: 'INVALID_REQUEST', message: /params\.id: must be a positive integer/ },
  { name: 'PATCH: id 0', request: json('PATCH', '/admin/datasets/demo/items/0', { price: 1 }), status: 400, code: 'INVALID_REQUEST', message: /params\.id/ },
  { name: 'PATCH: missing item', request: json('PATCH', '/admin/datasets/demo/items/999', { price: 1 }), status: 404, code: 'ITEM_NOT_FOUND', message: /item 999 does not exist/ },
  { name: 'PATCH: missing dataset', request: json('PATCH', '/admin/datasets/ghost/items/1', { price: 1 }), status: 404, code: 'DATASET_NOT_FOUND', message: /"ghost" does not exist/ },

  { name: 'GET item: id 1.5', request: { url: '/admin/datasets/demo/items/1.5' }, status: 400, code: 'INVALID_REQUEST', message: /params\.id/ },
  { name: 'GET item: missing dataset', request: { url: '/admin/datasets/ghost/items/1' }, status: 404, code: 'DATASET_NOT_FOUND', message: /ghost/ },
  { name: 'DELETE item: id -1', request: { method: 'DELETE', url: '/admin/datasets/demo/items/-1' }, status: 400, code: 'INVALID_REQUEST', message: /params\.id/ },
  { name: 'DELETE item: missing item', request: { method: 'DELETE', url: '/admin/datasets/demo/items/999' }, status: 404, code: 'ITEM_NOT_FOUND', message: /999/ },
  { name: 'limits: zero rate', request: json('PUT', '/admin/datasets/demo/limits', { requestsPerSecond: 0 }), status: 400, code: 'INVALID_REQUEST', message: /body\.requestsPerSecond: Too small/ },
  { name: 'limits: burst alone', request: json('PUT', '/admin/datasets/demo/limits', { burst: 5 }), status: 400, code: 'INVALID_REQUEST', message: /body\.burst: burst needs requestsPerSecond/ },
  { name: 'limits: fractional errorLimit', request: json('PUT', '/admin/datasets/demo/limits', { errorLimit: 1.5 }), status: 400, code: 'INVALID_REQUEST', message: /body\.errorLimit/ },
  { name: 'limits: zero window', request: json('PUT', '/admin/datasets/demo/limits', { errorWindowSeconds: 0 }), status: 400, code: 'INVALID_REQUEST', message: /body\.errorWindowSeconds/ },
  { name: 'limits: unknown field', request: json('PUT', '/admin/datasets/demo/limits', { rps: 5 }), status: 400, code: 'INVALID_REQUEST', message: /Unrecognized key: "rps"/ },
  { name: 'limits: missing dataset', request: json('PUT', '/admin/datasets/ghost/limits', { errorLimit: 5 }), status: 404, code: 'DATASET_NOT_FOUND', message: /ghost/ },
  { name: 'faults: status 418', request: json('PUT', '/admin/datasets/demo/faults', { failNext: { count: 1, status: 418 } }), status: 400, code: 'INVALID_REQUEST', message: /body\.failNext\.status/ },
  { name: 'faults: count 0', request: json('PUT', '/admin/datasets/demo/faults', { failNext: { count: 0, status: 500 } }), status: 400, code: 'INVALID_REQUEST', message: /body\.failNext\.count/ },
  { name: 'faults: page 0', request: json('PUT', '/admin/datasets/demo/faults', { malformedPages: [0] }), status: 400, code: 'INVALID_REQUEST', message: /body\.malformedPages\.0/ },
  { name: 'faults: negative latency', request: json('PUT', '/admin/datasets/demo/faults', { latencyMs: -1 }), status: 400, code: 'INVALID_REQUEST', message: /body\.latencyMs/ },
  { name: 'faults: unknown field', request: json('PUT', '/admin/datasets/demo/faults', { failAll: true }), status: 400, code: 'INVALID_REQUEST', message: /Unrecognized key: "failAll"/ },
  { name: 'faults: body is an array', request: json('PUT', '/admin/datasets/demo/faults', []), status: 400, code: 'INVALID_REQUEST', message: /body: Invalid input: expected object/ },
  { name: 'faults: DELETE missing dataset', request: { method: 'DELETE', url: '/admin/datasets/ghost/faults' }, status: 404, code: 'DATASET_NOT_FOUND', message: /ghost/ },
  { name: 'cache: missing maxAgeSeconds', request: json('PUT', '/admin/datasets/demo/cache', { aligned: true }), status: 400, code: 'INVALID_REQUEST', message: /body\.maxAgeSeconds/ },
  { name: 'cache: no body', request: { method: 'PUT', url: '/admin/datasets/demo/cache' }, status: 400, code: 'INVALID_REQUEST', message: /body: Invalid input: expected object/ },
  { name: 'GET dataset: bad name', request: { url: '/admin/datasets/a.b' }, status: 400, code: 'INVALID_REQUEST', message: /params\.dataset/ },
  { name: 'DELETE dataset: missing', request: { method: 'DELETE', url: '/admin/datasets/ghost' }, status: 404, code: 'DATASET_NOT_FOUND', message: /ghost/ },
];

describe('bad input', () => {
  let app: FastifyInstance;
  let store: ItemStore;
  beforeAll(async () => {
    ({ app, store } = await buildTestApp());
  });
  afterAll(() => app.close());

  /** The dataset's settings (not its live error budget, which refused public requests spend). */
  async function settings() {
    const { limits, faults, cache } = (await app.inject('/admin/datasets/demo')).json();
    return JSON.stringify({ limits, faults, cache });
  }

  it.each(cases)('$name → $status $code, nothing changed', async ({ request, status, code, message }) => {
    const before = storeState(store);
    const settingsBefore = await settings();
    const res = await app.inject(request);
    expect(res.statusCode).toBe(status);
    const body = res.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(message);
    expect(storeState(store)).toBe(before);
    expect(await settings()).toBe(settingsBefore);
  });
});
