// One sync of one source: page through the upstream, diff against the records we hold,
// and commit everything in ONE transaction — the content.* events, the records
// projection, the source's last-synced time and job.completed. A failure before commit
// changes nothing; a concurrent sync of the same source loses the expected-version race
// and is retried on fresh state.
import type { Kysely } from 'kysely';
import { appendToStream, readStreamVersion } from '@freshet/event-store';
import { diffRecords, fetchPagedList, type RecordDiff } from '@freshet/connectors';
import type { SourceDefinition } from '@freshet/contracts';
import type { IngestDatabase } from '../db/ingest-tables';
import { applyRecordDiff, loadRecordHashes } from '../records/record-repository';
import { markSourceSynced } from '../sources/source-repository';
import { contentStreamId, jobStreamId } from './stream-ids';
import { decideContentEvents, decideJobCompleted, type JobRef } from './sync-outcome.decider';

export interface SyncResult {
  diff: RecordDiff;
  pages: number;
  requests: number;
}

export async function runSync(
  db: Kysely<IngestDatabase>,
  definition: SourceDefinition,
  job: Omit<JobRef, 'time'>,
  options: { now: () => Date; signal?: AbortSignal; fetch?: typeof globalThis.fetch },
): Promise<SyncResult> {
  const started = performance.now();
  const fetched = await fetchPagedList(definition.connector, { signal: options.signal, fetch: options.fetch });

  return db.transaction().execute(async (trx) => {
    const streamId = contentStreamId(job.tenant, job.source);
    // Version first, records second: anything committed after this read makes our
    // append conflict instead of silently diffing against old records.
    const version = await readStreamVersion(trx, streamId);
    const existing = await loadRecordHashes(trx, job.tenant, job.source);
    const diff = diffRecords(existing, fetched.records);
    const now = options.now();
    const ref: JobRef = { ...job, time: now.toISOString() };

    const contentEvents = decideContentEvents(ref, diff);
    if (contentEvents.length > 0) {
      await appendToStream(trx, streamId, contentEvents, { expectedVersion: version === 0 ? 'no_stream' : version });
      await applyRecordDiff(trx, job.tenant, job.source, diff);
    }
    await markSourceSynced(trx, job.tenant, job.source, now);
    const completed = decideJobCompleted(ref, diff, {
      pages: fetched.pages,
      requests: fetched.requests,
      durationMs: Math.round(performance.now() - started),
    });
    await appendToStream(trx, jobStreamId(job.jobId), [completed], { expectedVersion: 'any' });
    return { diff, pages: fetched.pages, requests: fetched.requests };
  });
}
