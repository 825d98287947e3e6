import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref } from './hash-route';

describe('parseRoute', () => {
  it('maps the three views, the empty fragment and unknown paths to the widgets', () => {
    expect(parseRoute('')).toEqual({ view: 'widgets', params: {} });
    expect(parseRoute('#/')).toEqual({ view: 'widgets', params: {} });
    expect(parseRoute('#/history')).toEqual({ view: 'history', params: {} });
    expect(parseRoute('#/admin/')).toEqual({ view: 'admin', params: {} });
    expect(parseRoute('#/nowhere')).toEqual({ view: 'widgets', params: {} });
    expect(parseRoute('#lang=tr')).toEqual({ view: 'widgets', params: {} });
  });

  it("reads a view's parameters", () => {
    expect(parseRoute('#/history?source=products&range=1h&from=2024-01-01T10%3A00')).toEqual({
      view: 'history',
      params: { source: 'products', range: '1h', from: '2024-01-01T10:00' },
    });
  });
});

describe('routeHref', () => {
  it('builds fragments parseRoute reads back, leaving out empty parameters', () => {
    expect(routeHref('widgets')).toBe('#/');
    expect(routeHref('admin')).toBe('#/admin');
    const href = routeHref('history', { source: 'products', range: 'custom', from: '2024-01-01T10:00', to: '' });
    expect(href).toBe('#/history?source=products&range=custom&from=2024-01-01T10%3A00');
    expect(parseRoute(href)).toEqual({ view: 'history', params: { source: 'products', range: 'custom', from: '2024-01-01T10:00' } });
  });
});
