// `npm run bench -- <name> [--quick]`: runs tools/bench/<name>.bench.ts.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const name = process.argv[2];
const file = resolve(`tools/bench/${name}.bench.ts`);
if (!name || !existsSync(file)) {
  console.error(`usage: npm run bench -- <name>   (e.g. sync)`);
  process.exit(2);
}
await import(pathToFileURL(file).href);
