import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { secretFilesResolver } from './secret-files';

const dir = mkdtempSync(join(tmpdir(), 'freshet-secrets-'));
writeFileSync(join(dir, 'esi-token'), 's3cret\n');
writeFileSync(join(tmpdir(), 'outside-secret'), 'nope');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('secret files', () => {
  const resolve = secretFilesResolver(dir);

  it('reads a secret by file name, trimmed', async () => {
    expect(await resolve('esi-token')).toBe('s3cret');
  });

  it('refuses anything that could leave the directory, and missing files', async () => {
    for (const ref of ['../outside-secret', '/etc/passwd', '..', 'a/../../x', 'missing']) {
      expect(await resolve(ref)).toBeUndefined();
    }
  });
});
