// One sync of one source, committed page by page so memory stays flat and a failure
// keeps everything already stored. Each page's transaction appends its content.*
// events, updates the records projection and — only when the strategy says it is safe
// — advances the cursor. The closing transaction finds deletions (complete listings
// only), stores the final cursor and the last-synced time, and appends job.completed.
// A retry re-lists and diffs by content hash, so it never emits an event twice.
import type { Kysely, Transaction } from 'kysely';
import { appendToStream, readStreamVersion } from '@freshet/event-store';
import { diffPage, emptySyncStats, strategyOf, syncBatches, type FetchedRecord, type HttpSyncStats, type SecretSources, type SyncCursor, type UpstreamGate } from '@freshet/connectors';
import type { JobStats, SourceDefinition } from '@freshet/contracts';
import type { IngestDatabase } from '../db/ingest-tables';
import { applyRecordDiff, findUnseen, loadRecordHashes, markSeen } from '../records/record-repository';
import { loadCursor, markSourceSynced, saveCursor } from '../sources/source-repository';
import { withSourceLock } from './source-lock';
import { contentStreamId, jobStreamId } from './stream-ids';
import { decideContentEvents, decideJobCompleted, type JobRef } from './sync-outcome.decider';

export interface RunSyncOptions {
  now: () => Date;
  signal?: AbortSignal;
  fetch?: typeof globalThis.fetch;
  gate?: UpstreamGate;
  secrets?: SecretSources;
  forceFull?: boolean;
  /** Told after every committed page (progress metrics, keep-alive). */
  onPage?: (page: { created: number; updated: number; unchanged: number }) => void;
}

export interface SyncResult {
  stats: JobStats;
  notes: string[];
  notModified: boolean;
  /** Counted even when the sync fails part-way, for metrics. */
  upstream: HttpSyncStats;
}

type Counts = Pick<JobStats, 'created' | 'updated' | 'deleted' | 'unchanged'>;

async function appendContent(trx: Transaction<IngestDatabase>, ref: JobRef, diff: Parameters<typeof decideContentEvents>[1]): Promise<void> {
  const events = decideContentEvents(ref, diff);
  if (events.length === 0) return;
  const streamId = contentStreamId(ref.tenant, ref.source);
  const version = await readStreamVersion(trx, streamId);
  await appendToStream(trx, streamId, events, { expectedVersion: version === 0 ? 'no_stream' : version });
}

async function commitPage(db: Kysely<IngestDatabase>, ref: JobRef, records: FetchedRecord[], cursor: SyncCursor | undefined, counts: Counts) {
  return db.transaction().execute(async (trx) => {
    const keys = records.map((r) => r.key);
    const existing = await loadRecordHashes(trx, ref.tenant, ref.source, keys);
    const diff = diffPage(existing, records);
    await appendContent(trx, ref, diff);
    await applyRecordDiff(trx, ref.tenant, ref.source, diff, ref.jobId);
    if (diff.unchanged > 0) await markSeen(trx, ref.tenant, ref.source, keys, ref.jobId);
    if (cursor) await saveCursor(trx, ref.tenant, ref.source, cursor);
    counts.created += diff.created.length;
    counts.updated += diff.updated.length;
    counts.unchanged += diff.unchanged;
    return diff;
  });
}

export async function runSync(
  db: Kysely<IngestDatabase>,
  definition: SourceDefinition,
  job: Omit<JobRef, 'time'>,
  options: RunSyncOptions,
): Promise<SyncResult> {
  const connector = definition.connector;
  return withSourceLock(db, job.tenant, job.source, async () => {
    const started = performance.now();
    const upstream = emptySyncStats();
    const counts: Counts = { created: 0, updated: 0, deleted: 0, unchanged: 0 };
    const ref = (): JobRef => ({ ...job, time: options.now().toISOString() });
    const cursor = await loadCursor(db, job.tenant, job.source);

    for await (const batch of syncBatches(connector, cursor, { ...options, now: () => options.now().getTime(), stats: upstream })) {
      if (batch.kind === 'records') {
        const diff = await commitPage(db, ref(), batch.records, batch.cursor, counts);
        options.onPage?.({ created: diff.created.length, updated: diff.updated.length, unchanged: diff.unchanged });
        continue;
      }
      return db.transaction().execute(async (trx) => {
        const closing = ref();
        if (batch.listingComplete) {
          const deleted = await findUnseen(trx, job.tenant, job.source, job.jobId);
          const diff = { created: [], updated: [], deleted, unchanged: 0 };
          await appendContent(trx, closing, diff);
          await applyRecordDiff(trx, job.tenant, job.source, diff);
          counts.deleted = deleted.length;
        }
        await saveCursor(trx, job.tenant, job.source, batch.cursor);
        // The same instant as job.completed's time: the cache's view and the database agree on it.
        await markSourceSynced(trx, job.tenant, job.source, new Date(closing.time));
        const stats: JobStats = {
          pages: upstream.pages,
          requests: upstream.requests,
          notModified: upstream.notModified,
          skipped: upstream.skipped,
          savedRequests: upstream.savedRequests,
          ...counts,
          durationMs: Math.round(performance.now() - started),
        };
        const completed = decideJobCompleted(closing, { stats, strategy: strategyOf(connector), notes: batch.notes });
        await appendToStream(trx, jobStreamId(job.jobId), [completed], { expectedVersion: 'any' });
        return { stats, notes: batch.notes, notModified: batch.notModified, upstream };
      });
    }
    throw new Error('connector ended without a final batch');
  });
}
