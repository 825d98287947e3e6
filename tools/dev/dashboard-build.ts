// Builds the dashboard (apps/dashboard → dist/apps/dashboard) for a local stack, or reuses
// the last build when nothing it is made from changed since: its sources, the browser
// client and the contracts. The build runs as its own process (the dashboard's build
// script), so tools never import an app.
import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export const DASHBOARD_DIR = resolve('dist/apps/dashboard');
const BUILD_SCRIPT = 'apps/dashboard/build.ts';
const INPUTS = ['apps/dashboard', 'libs/client/src', 'libs/contracts/src', 'tsconfig.base.json'];

async function newestChange(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(path, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/** True when `outdir` holds a build newer than every input. */
export async function dashboardBuildIsFresh(outdir = DASHBOARD_DIR): Promise<boolean> {
  const built = (await stat(join(outdir, 'index.html')).catch(() => undefined))?.mtimeMs;
  if (built === undefined) return false;
  const inputs = await Promise.all(INPUTS.map(newestChange));
  return inputs.every((changed) => changed < built);
}

/** The directory of a fresh dashboard build, building it first when needed. */
export async function ensureDashboardBuild(outdir = DASHBOARD_DIR): Promise<{ dir: string; rebuilt: boolean }> {
  if (await dashboardBuildIsFresh(outdir)) return { dir: outdir, rebuilt: false };
  await new Promise<void>((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', BUILD_SCRIPT, '--outdir', outdir], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', fail);
    child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`the dashboard build failed (exit code ${code}); run \`npx nx run dashboard:build\` to see why`))));
  });
  return { dir: outdir, rebuilt: true };
}
