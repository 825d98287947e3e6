// Bundles one app or lib entry into dist/ with esbuild.
// Workspace libs (@freshet/*) are source-first packages, so they are bundled in;
// every third-party dependency stays external and is resolved from node_modules at run time.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const [entry, outfile] = process.argv.slice(2);
if (!entry || !outfile) {
  console.error('usage: tsx tools/build/bundle.ts <entry.ts> <outfile.js>');
  process.exit(2);
}

const rootPackage = JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};
const external = Object.keys({ ...rootPackage.dependencies, ...rootPackage.devDependencies }).flatMap((name) => [
  name,
  `${name}/*`,
]);

await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external,
  logLevel: 'warning',
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __freshetCreateRequire } from 'node:module'; const require = __freshetCreateRequire(import.meta.url);" },
});
