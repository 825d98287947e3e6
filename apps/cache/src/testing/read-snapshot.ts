// Reads a snapshot page from a running cache over HTTP, failing the test (with the body
// the cache answered) unless it is a 200.
import { expect } from 'vitest';
import type { SnapshotPage } from '@freshet/contracts';

/** `query` is the URL's query string with its `?`, e.g. `?limit=5`. */
export async function readSnapshot(cacheUrl: string, tenant: string, source: string, query = ''): Promise<SnapshotPage> {
  const res = await fetch(`${cacheUrl}/internal/v1/snapshots/${tenant}/${source}${query}`);
  const body = (await res.json()) as SnapshotPage;
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
}
