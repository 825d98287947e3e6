import { describe, expect, it } from 'vitest';
import { HttpProblem } from '@freshet/telemetry';
import { cachedSourceCheck } from './source-existence';

/** A lookup that counts its calls and answers what `answer` says, when `release` is called. */
function directory(answer: (tenant: string, source: string) => 'found' | 'missing' | 'down' = () => 'found') {
  const calls: string[] = [];
  const waiting: (() => void)[] = [];
  const lookup = (tenant: string, source: string) => {
    calls.push(`${tenant}/${source}`);
    return new Promise<void>((resolve, reject) =>
      waiting.push(() => {
        const said = answer(tenant, source);
        if (said === 'found') resolve();
        else if (said === 'missing') reject(new HttpProblem(404, 'SOURCE_NOT_FOUND', `source ${tenant}/${source} does not exist`));
        else reject(new HttpProblem(503, 'SOURCE_DIRECTORY_UNAVAILABLE', 'ingest did not answer'));
      }),
    );
  };
  const release = () => waiting.splice(0).forEach((go) => go());
  return { calls, lookup, release };
}

describe('cachedSourceCheck', () => {
  it('asks once for a burst of streams on one source, and not again within the TTL', async () => {
    let clock = 1_000;
    const dir = directory();
    const check = cachedSourceCheck(dir.lookup, { ttlMs: 5_000, maxEntries: 100, now: () => clock });
    const burst = Array.from({ length: 1_000 }, () => check('acme', 'orders'));
    dir.release();
    await Promise.all(burst);
    expect(dir.calls).toEqual(['acme/orders']);
    clock += 4_999;
    await check('acme', 'orders');
    expect(dir.calls).toHaveLength(1);
    // Past the TTL the directory is asked again (a source deleted meanwhile is seen then).
    clock += 1;
    const again = check('acme', 'orders');
    dir.release();
    await again;
    expect(dir.calls).toEqual(['acme/orders', 'acme/orders']);
  });

  it('never remembers a refusal or a failure: everyone waiting gets it, the next stream asks again', async () => {
    let said: 'missing' | 'down' | 'found' = 'missing';
    const dir = directory(() => said);
    const check = cachedSourceCheck(dir.lookup, { ttlMs: 5_000, maxEntries: 100 });
    const waiting = [check('acme', 'new-source'), check('acme', 'new-source')];
    dir.release();
    for (const result of await Promise.allSettled(waiting)) {
      expect(result).toMatchObject({ status: 'rejected', reason: { statusCode: 404, code: 'SOURCE_NOT_FOUND' } });
    }
    said = 'down';
    const failed = check('acme', 'new-source');
    dir.release();
    await expect(failed).rejects.toMatchObject({ statusCode: 503 });
    // Created meanwhile: found at once, not after a remembered 404.
    said = 'found';
    const found = check('acme', 'new-source');
    dir.release();
    await found;
    expect(dir.calls).toHaveLength(3);
  });

  it('keeps tenants apart and forgets the oldest source beyond its bound', async () => {
    const dir = directory();
    const check = cachedSourceCheck(dir.lookup, { ttlMs: 60_000, maxEntries: 2 });
    for (const [tenant, source] of [['a', 'x'], ['b', 'x'], ['a', 'y']] as const) {
      const done = check(tenant, source);
      dir.release();
      await done;
    }
    expect(dir.calls).toEqual(['a/x', 'b/x', 'a/y']);
    // b/x and a/y are remembered; a/x, the oldest, was forgotten.
    await check('b', 'x');
    await check('a', 'y');
    const forgotten = check('a', 'x');
    dir.release();
    await forgotten;
    expect(dir.calls).toEqual(['a/x', 'b/x', 'a/y', 'a/x']);
  });

  it('with a TTL of 0 asks every time', async () => {
    const dir = directory();
    const check = cachedSourceCheck(dir.lookup, { ttlMs: 0, maxEntries: 100 });
    const both = [check('acme', 'orders'), check('acme', 'orders')];
    dir.release();
    await Promise.all(both);
    expect(dir.calls).toHaveLength(2);
  });
});
