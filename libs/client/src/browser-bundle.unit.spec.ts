// The core must run in a browser: it bundles for platform 'browser' with nothing from Node
// (no node: built-ins pulled in through @freshet/contracts) and without React; the React
// entry needs nothing but React besides the core; the prefetch entry needs nothing at all.
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

async function bundle(entry: string): Promise<{ metafile: Metafile; errors: unknown[]; warnings: unknown[] }> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    external: ['react', 'react/*'],
  });
  return { metafile: result.metafile, errors: result.errors, warnings: result.warnings };
}

function imports(metafile: Metafile): { path: string; external: boolean }[] {
  return Object.values(metafile.inputs).flatMap((input) => input.imports.map((i) => ({ path: i.path, external: i.external === true })));
}

describe('browser bundles', () => {
  it('bundles the core for the browser without Node built-ins or React', async () => {
    const { metafile, errors, warnings } = await bundle('libs/client/src/index.ts');
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(imports(metafile).filter((i) => i.external)).toEqual([]);
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.some((path) => path.includes('libs/contracts/src/'))).toBe(true);
    expect(inputs.filter((path) => /node_modules\/(react|react-dom)\//.test(path))).toEqual([]);
  }, 30_000);

  it('bundles the React entry with react as its only external', async () => {
    const { metafile, errors } = await bundle('libs/client/src/react/index.ts');
    expect(errors).toEqual([]);
    expect([...new Set(imports(metafile).filter((i) => i.external).map((i) => i.path))]).toEqual(['react']);
  }, 30_000);

  it("bundles the prefetch entry (a page's boot script) with neither zod nor the contracts", async () => {
    const { metafile, errors } = await bundle('libs/client/src/prefetch/index.ts');
    expect(errors).toEqual([]);
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.filter((path) => path.includes('node_modules/zod/') || path.includes('libs/contracts/'))).toEqual([]);
    expect(Object.values(metafile.outputs)[0]!.bytes).toBeLessThan(8 * 1024);
  }, 30_000);
});
