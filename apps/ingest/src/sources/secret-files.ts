// Secret references resolved from a directory of files, one secret per file — the
// convention of Docker and Kubernetes secrets (/run/secrets/<name>). The reference is a
// file name, never a path: anything that could leave the directory is refused.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretRefResolver } from '@freshet/connectors';

const SECRET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function secretFilesResolver(directory: string): SecretRefResolver {
  return async (ref) => {
    if (!SECRET_NAME.test(ref) || ref.includes('..')) return undefined;
    try {
      return (await readFile(join(directory, ref), 'utf8')).trim() || undefined;
    } catch {
      return undefined;
    }
  };
}
