// docs/operations.md stays true to the repository: the figures it quotes are the ones in
// docs/benchmarks.md, and the files, links and commands it points at exist.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DOC = 'docs/operations.md';
const doc = readFileSync(DOC, 'utf8');
const benchmarks = readFileSync('docs/benchmarks.md', 'utf8');
const rootPackage = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };

describe('docs/operations.md', () => {
  it('quotes only figures docs/benchmarks.md has', () => {
    const quotes = doc.split('\n').filter((line) => line.startsWith('>'));
    expect(quotes.length).toBeGreaterThan(0);
    const figures = quotes.flatMap((line) => line.match(/\d[\d,]*(?:\.\d+)?/g) ?? []);
    const missing = [...new Set(figures)].filter((figure) => !benchmarks.includes(figure));
    expect(missing).toEqual([]);
  });

  it('links to files that exist', () => {
    const links = [...doc.matchAll(/\]\(((?!https?:|#)[^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => join(dirname(DOC), m[1]!));
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((path) => !existsSync(path))).toEqual([]);
  });

  it('names repository paths that exist', () => {
    const paths = [...doc.matchAll(/`((?:apps|libs|tools|infra|docs)\/[A-Za-z0-9_./<>*-]+)`/g)]
      .map((m) => m[1]!)
      .filter((path) => !/[<>*]/.test(path));
    expect(paths.length).toBeGreaterThan(5);
    expect(paths.filter((path) => !existsSync(path))).toEqual([]);
  });

  it('runs npm scripts that exist', () => {
    const scripts = [...doc.matchAll(/npm run ([a-z:-]+)/g)].map((m) => m[1]!);
    expect(scripts.filter((script) => !(script in rootPackage.scripts))).toEqual([]);
  });
});
