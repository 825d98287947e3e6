import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardBuildIsFresh } from './dashboard-build';

let outdir: string;

beforeAll(async () => {
  outdir = await mkdtemp(join(tmpdir(), 'freshet-dashboard-build-'));
});

afterAll(async () => {
  await rm(outdir, { recursive: true, force: true });
});

describe('dashboardBuildIsFresh', () => {
  it('is stale without a build', async () => {
    expect(await dashboardBuildIsFresh(outdir)).toBe(false);
  });

  it('reuses a build newer than the dashboard, the client and the contracts, and not an older one', async () => {
    const index = join(outdir, 'index.html');
    await writeFile(index, '<!doctype html>');
    const future = new Date(Date.now() + 3_600_000);
    await utimes(index, future, future);
    expect(await dashboardBuildIsFresh(outdir)).toBe(true);
    await utimes(index, new Date(0), new Date(0));
    expect(await dashboardBuildIsFresh(outdir)).toBe(false);
  });
});
