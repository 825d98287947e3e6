import { describe, expect, it } from 'vitest';
import { cacheControlFor, DASHBOARD_CSP, reservedPathConflict, servesPath } from './dashboard-files';

describe('reservedPathConflict', () => {
  it('names the first file under an API path, and nothing for a plain build', () => {
    expect(reservedPathConflict(['index.html', 'assets/main-ABCD1234.js'])).toBeUndefined();
    expect(reservedPathConflict(['index.html', 'docs/readme.html'])).toBe('docs/readme.html');
    expect(reservedPathConflict(['healthz'])).toBe('healthz');
    expect(reservedPathConflict(['v1/tenants/x'])).toBe('v1/tenants/x');
    // Only whole first segments: a file that merely starts like one is fine.
    expect(reservedPathConflict(['v1.txt', 'docs-old/a', 'metrics.svg'])).toBeUndefined();
  });
});

describe('servesPath', () => {
  it('answers the page and its assets, never an API path or a compressed sibling by name', () => {
    for (const path of ['/', '/index.html', '/assets/main-ABCD1234.js', '/favicon.svg', '/v1.txt']) expect(servesPath(path), path).toBe(true);
    for (const path of ['/v1/tenants/a/x', '/docs/x', '/healthz', '/metrics', '/assets/main-ABCD1234.js.br', '/index.html.gz']) expect(servesPath(path), path).toBe(false);
  });
});

describe('cacheControlFor', () => {
  it('revalidates index.html (and its compressed siblings) on every load', () => {
    expect(cacheControlFor('/srv/dash/index.html')).toBe('no-cache');
    expect(cacheControlFor('/srv/dash/index.html.br')).toBe('no-cache');
  });

  it('keeps content-hashed assets for a year, compressed or not, and their maps', () => {
    for (const name of ['main-3FZ2K7QA.js', 'main-3FZ2K7QA.css', 'main-3FZ2K7QA.js.br', 'main-3FZ2K7QA.css.gz', 'main-3FZ2K7QA.js.map']) {
      expect(cacheControlFor(`/srv/dash/assets/${name}`), name).toBe('public, max-age=31536000, immutable');
    }
  });

  it('gives an unhashed file five minutes', () => {
    expect(cacheControlFor('/srv/dash/favicon.svg')).toBe('public, max-age=300');
    expect(cacheControlFor('/srv/dash/assets/main.js')).toBe('public, max-age=300');
  });
});

describe('DASHBOARD_CSP', () => {
  it('allows only same-origin scripts, styles and connections, and no framing', () => {
    const directives = Object.fromEntries(DASHBOARD_CSP.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    expect(directives).toMatchObject({
      'default-src': "'none'",
      'script-src': "'self'",
      'style-src': "'self'",
      'connect-src': "'self'",
      'frame-ancestors': "'none'",
      'base-uri': "'none'",
    });
    expect(DASHBOARD_CSP).not.toMatch(/unsafe-(inline|eval)/);
  });
});
