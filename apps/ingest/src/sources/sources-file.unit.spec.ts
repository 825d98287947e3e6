import { describe, expect, it } from 'vitest';
import { parseSourcesDocument, SourcesFileError } from './sources-file';

const yaml = `
sources:
  - tenant: acme
    source: orders
    connector:
      type: esi-list
      baseUrl: https://esi.example.com
      path: /v1/markets/10000002/orders/
      auth: { type: bearer, secret: { env: ESI_TOKEN } }
  - tenant: acme
    source: products
    staleAfterMs: 600000
    connector:
      type: http
      baseUrl: https://shop.example.com
      path: /api/products
      recordSelector: data.items
      pagination: { type: cursor, nextCursorPath: meta.next }
      incremental: { strategy: updatedSince, param: since, field: updated_at }
`;

describe('sources file', () => {
  it('parses YAML into expanded source definitions', () => {
    const sources = parseSourcesDocument('sources.yaml', yaml);
    expect(sources.map((s) => [s.source, s.connector.type, s.connector.type === 'http' ? s.connector.incremental.strategy : 'none'])).toEqual([
      ['orders', 'http', 'stopAtId'],
      ['products', 'http', 'updatedSince'],
    ]);
  });

  it('refuses a watchedMinAgeMs above minAgeMs, naming the field', () => {
    const json = JSON.stringify({
      sources: [{ tenant: 'a', source: 'b', minAgeMs: 60_000, watchedMinAgeMs: 120_000, connector: { type: 'http-paged-list', baseUrl: 'http://x', path: '/items' } }],
    });
    expect(() => parseSourcesDocument('sources.json', json)).toThrow(SourcesFileError);
    expect(() => parseSourcesDocument('sources.json', json)).toThrow(/watchedMinAgeMs: must not be more than minAgeMs \(60000\)/);
  });

  it('parses JSON too', () => {
    const json = JSON.stringify({ sources: [{ tenant: 'a', source: 'b', connector: { type: 'http-paged-list', baseUrl: 'http://x', path: '/items' } }] });
    expect(parseSourcesDocument('sources.json', json)).toHaveLength(1);
  });

  it('points at the bad field of the bad source, with the file name', () => {
    const typo = yaml.replace('pagination: { type: cursor', 'pagination: { type: cursr');
    let error: unknown;
    try {
      parseSourcesDocument('sources.yaml', typo.replace('recordSelector', 'recordSelecter'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SourcesFileError);
    const message = (error as SourcesFileError).message;
    expect(message).toMatch(/^sources\.yaml: invalid sources file/);
    expect(message).toMatch(/sources\[1\]\.connector\.pagination\.type/);
    expect(message).toMatch(/sources\[1\]\.connector: Unrecognized key: "recordSelecter"/);
  });

  it('refuses a source defined twice and broken YAML', () => {
    const twice = JSON.stringify({
      sources: [1, 2].map(() => ({ tenant: 'a', source: 'b', connector: { type: 'http-paged-list', baseUrl: 'http://x', path: '/i' } })),
    });
    expect(() => parseSourcesDocument('s.json', twice)).toThrow(/sources\[1\]\.source: a\/b is defined twice/);
    expect(() => parseSourcesDocument('s.yaml', 'sources: [\n  - {')).toThrow(/not valid YAML/);
  });
});
