// Builds the dashboard into a static directory the gateway serves (GATEWAY_DASHBOARD_DIR):
//   index.html                    (revalidated on every load)
//   favicon.svg
//   assets/main-<hash>.js|.css    (content-hashed: cached for good), their .map,
//                                 and .br/.gz siblings the gateway sends when accepted
// esbuild bundles React, @freshet/client and the page into one ES module (decision 0012).
//
//   tsx apps/dashboard/build.ts [--outdir dist/apps/dashboard] [--dev]
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};

const outdir = resolve(option('--outdir') ?? 'dist/apps/dashboard');
const dev = flag('--dev');
const COMPRESSIBLE = /\.(js|css|html|svg)$/;

/**
 * The client validates events with the contracts' zod schemas, and zod 4's `z` namespace
 * keeps every one of its ~50 error-message locales reachable (about 250 KiB minified,
 * a third of the bundle). Nothing here switches locale (`z.config` keeps English), so
 * `zod/v4/locales/index.js` becomes English only.
 */
const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(plugin) {
    plugin.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: resolve(dirname(args.importer), '../locales/en.js'), namespace: 'zod-locales' } : undefined,
    );
    plugin.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
    }));
  },
};

interface Assets {
  boot: string;
  js: string;
  css: string | undefined;
}

/** What both scripts are built with. */
const common = {
  outdir: join(outdir, 'assets'),
  bundle: true,
  platform: 'browser',
  // Browsers of the last few years; top-level await and class fields need no lowering.
  target: ['es2022', 'chrome111', 'firefox115', 'safari16.4'],
  tsconfig: join(here, 'tsconfig.json'),
  minify: !dev,
  sourcemap: 'linked',
  entryNames: '[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
} satisfies BuildOptions;

async function bundle(): Promise<Assets> {
  // `boot` is the tiny first script that asks early for what the first render needs
  // (src/boot/boot.ts): a classic script, so it runs as soon as it arrives, before the module
  // graph of `main` is even evaluated (a module script, async or not, waits its turn).
  const boot = await build({ ...common, entryPoints: { boot: join(here, 'src/boot/boot.ts') }, format: 'iife' });
  const main = await build({
    ...common,
    entryPoints: { main: join(here, 'src/main.tsx') },
    format: 'esm',
    jsx: 'automatic',
    assetNames: '[name]-[hash]',
    define: { 'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production') },
    legalComments: 'linked',
    plugins: [zodEnglishOnly],
  });
  return { ...entryOutputs(main.metafile), boot: entryOutputs(boot.metafile).js };
}

/** The entry's script and its stylesheet, as paths from the site root. */
function entryOutputs(metafile: Metafile): { js: string; css: string | undefined } {
  for (const [file, output] of Object.entries(metafile.outputs)) {
    if (!output.entryPoint || !file.endsWith('.js')) continue;
    const site = (path: string) => `/${relative(outdir, resolve(path)).split('\\').join('/')}`;
    return { js: site(file), css: output.cssBundle ? site(output.cssBundle) : undefined };
  }
  throw new Error('esbuild produced no entry script');
}

async function writeIndex(assets: Assets): Promise<void> {
  let html = await readFile(join(here, 'src/index.html'), 'utf8');
  html = html.replace('%BOOT_JS%', assets.boot).replace('%MAIN_JS%', assets.js);
  html = assets.css ? html.replace('%MAIN_CSS%', assets.css) : html.replace(/^.*%MAIN_CSS%.*\n/m, '');
  await writeFile(join(outdir, 'index.html'), html);
  await copyFile(join(here, 'src/favicon.svg'), join(outdir, 'favicon.svg'));
}

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Brotli and gzip siblings of every text file, so the gateway serves them without compressing per request. */
async function precompress(): Promise<Array<{ file: string; bytes: number; br: number }>> {
  const sizes: Array<{ file: string; bytes: number; br: number }> = [];
  for (const file of await files(outdir)) {
    if (!COMPRESSIBLE.test(file)) continue;
    const content = await readFile(file);
    const br = brotliCompressSync(content, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: content.length } });
    await writeFile(`${file}.br`, br);
    await writeFile(`${file}.gz`, gzipSync(content, { level: 9 }));
    sizes.push({ file: relative(outdir, file), bytes: content.length, br: br.length });
  }
  return sizes;
}

const started = Date.now();
await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
const assets = await bundle();
await writeIndex(assets);
const sizes = await precompress();
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
for (const { file, bytes, br } of sizes) console.log(`  ${file.padEnd(34)} ${kib(bytes).padStart(10)}  (br ${kib(br)})`);
console.log(`dashboard built in ${Date.now() - started} ms → ${relative(process.cwd(), outdir) || '.'} (${(await stat(join(outdir, 'index.html'))).size} B index.html)`);
