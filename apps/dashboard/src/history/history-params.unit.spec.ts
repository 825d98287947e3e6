import { describe, expect, it } from 'vitest';
import { formFromParams, paramsFromForm, typesFor } from './history-params';

describe('history form in the URL', () => {
  it('defaults to record changes over the last hour', () => {
    expect(formFromParams({})).toEqual({ source: '', range: '1h', from: '', to: '', families: ['content'] });
  });

  it('reads back what it writes, "all" meaning no family filter', () => {
    const form = { source: 'products', range: 'custom' as const, from: '2024-05-01T10:00', to: '', families: ['content', 'job'] as const };
    expect(formFromParams(paramsFromForm(form) as Record<string, string>)).toEqual({ ...form, families: ['content', 'job'] });
    const all = formFromParams(paramsFromForm({ ...form, range: '24h', families: [] }) as Record<string, string>);
    expect(all).toEqual({ source: 'products', range: '24h', from: '', to: '', families: [] });
  });

  it('turns families into type prefixes', () => {
    expect(typesFor(['content', 'source'])).toEqual(['content.', 'source.']);
    expect(typesFor([])).toBeUndefined();
  });
});
