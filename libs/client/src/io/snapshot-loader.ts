// Reads a source's whole snapshot: every page (limit 1000), all of one walk (the same
// `position` on every page). A walk the gateway voids (409 SNAPSHOT_RESET: the view was
// rebuilt or the stream recreated) or whose position moves is started over, a few times.
import { snapshotResponseFastSchema } from '@freshet/contracts';
import type { LoadedSnapshot } from '../core/source-model';
import { parseStreamPosition } from '../core/position';
import type { SourceRecord } from '../types';
import { FreshetClientError } from './client-error';
import type { HttpClient } from './http';
import { SNAPSHOT_PAGE_LIMIT, sourcePath } from './urls';

export { sourcePath } from './urls';

const WALK_ATTEMPTS = 3;

export async function loadSnapshot(http: HttpClient, tenant: string, source: string, options: { maxRecords: number; signal?: AbortSignal }): Promise<LoadedSnapshot> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await walk(http, tenant, source, options);
    } catch (error) {
      const restart = error instanceof FreshetClientError && (error.code === 'SNAPSHOT_RESET' || error.code === 'SNAPSHOT_MOVED');
      if (!restart || attempt >= WALK_ATTEMPTS) throw error;
    }
  }
}

async function walk(http: HttpClient, tenant: string, source: string, options: { maxRecords: number; signal?: AbortSignal }): Promise<LoadedSnapshot> {
  const records: SourceRecord[] = [];
  let cursor: string | undefined;
  let first: { position: string; meta: LoadedSnapshot['meta'] } | undefined;
  do {
    const page = await http.get(sourcePath(tenant, source, '/snapshot'), {
      query: { limit: SNAPSHOT_PAGE_LIMIT, cursor }, // the order snapshotUrl() builds: a prefetched first page matches
      schema: snapshotResponseFastSchema, // records checked in one loop: see the schema
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (first === undefined) first = { position: page.position, meta: page.meta };
    else if (page.position !== first.position) {
      throw new FreshetClientError({ code: 'SNAPSHOT_MOVED', message: `the snapshot's position moved mid-walk (${first.position} → ${page.position})` });
    }
    records.push(...page.records);
    if (records.length > options.maxRecords) {
      throw new FreshetClientError({ code: 'SNAPSHOT_TOO_LARGE', message: `${source} has more than ${options.maxRecords} records (maxSnapshotRecords)` });
    }
    cursor = page.next;
  } while (cursor !== undefined);
  const position = parseStreamPosition(first.position);
  if (position === undefined) throw new FreshetClientError({ code: 'BAD_RESPONSE', message: `the snapshot's position ${first.position} is not a stream position` });
  return { records, meta: first.meta, position };
}
