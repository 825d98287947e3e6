// The dead-job backoff on the real servers: dead jobs in the Postgres ledger, the directory
// from a stand-in ingest answering list-sources on NATS in pages. A source whose latest job
// died is not queued by the scans (periodic or for watched sources) until the backoff after
// that death has passed, longer after each death in a row; a source that synced since its
// deaths is scanned as usual; a user's refresh of a backed-off source still queues a job.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { pino } from 'pino';
import { PRIORITY } from '@freshet/contracts';
import { createEventStoreDb } from '@freshet/event-store';
import { createSchema, dropSchema, testNames, TEST_DATABASE_URL, TEST_NATS_URL } from '@freshet/testkit';
import type { SchedulerDatabase } from '../db/scheduler-tables';
import { migrateScheduler } from '../db/migrate-scheduler';
import { findActiveJob, insertJob, updateJob } from '../jobs/job-repository';
import { revalidate } from '../jobs/revalidate';
import { servePagedDirectory } from './testing/paged-directory';
import { recordingScanDeps } from './testing/recording-scan-deps';
import { runBackgroundScan, runDemandScan } from './background-scan';
import { deathStreakReader } from './death-streaks';
import { sourceKey } from './due-sources';

const names = testNames('deadbackoff');
const logger = pino({ level: 'silent' });
const MIN = 60_000;
const now = new Date();
const ago = (ms: number) => new Date(now.getTime() - ms);
const backoff = { baseMs: 15 * MIN, maxMs: 24 * 60 * MIN };
let nc: NatsConnection;
let db: Kysely<SchedulerDatabase>;
let directory: Subscription;

// 600 sources, two directory pages (the scan asks for 500 at a time). The fillers synced a
// minute ago and are not due; the others sit on both pages.
const schedule = (source: string, lastSyncedAt: Date | null) => ({ tenant: 'acme', source, lastSyncedAt: lastSyncedAt?.toISOString() ?? null, minAgeMs: 15 * MIN });
const sources = Array.from({ length: 600 }, (_, i) => schedule(`filler-${String(i).padStart(3, '0')}`, ago(MIN)));
sources[10] = schedule('healthy', null); // never synced, no deaths: due
sources[20] = schedule('broken', null); // never synced, its job died 5 min ago: waits 15 min
sources[550] = schedule('repeat', null); // three deaths in a row, the last 45 min ago: waits 60 min
sources[560] = schedule('old-death', null); // one death 2 h ago: its 15 min are over, due
sources[570] = schedule('recovered', ago(20 * MIN)); // five deaths, the last 30 min ago, then a sync 20 min ago: due by minAge

async function deadJob(source: string, diedAgoMs: number): Promise<void> {
  const jobId = randomUUID();
  await insertJob(db, { jobId, tenant: 'acme', source, priority: PRIORITY.background, mode: 'incremental', reason: 'background scan', queuedAt: ago(diedAgoMs + MIN) });
  await updateJob(db, jobId, { status: 'dead', attempts: 3, finishedAt: ago(diedAgoMs).toISOString(), lastError: { code: 'UPSTREAM_UNAUTHORIZED', message: '401' } });
}

function scanDeps(watched: string[] = []) {
  let reads = 0;
  const read = deathStreakReader(db);
  const { deps, requested } = recordingScanDeps({
    nc,
    db,
    prefix: names.subjectPrefix,
    now,
    logger,
    readWatched: async () => new Set(watched.map((s) => sourceKey('acme', s))),
    deadJobs: { read: (page) => (reads++, read(page)), backoff },
  });
  return { deps, requested, reads: () => reads };
}

beforeAll(async () => {
  nc = await connect({ servers: TEST_NATS_URL });
  await createSchema(names.databaseSchema);
  db = createEventStoreDb<SchedulerDatabase>({ connectionString: TEST_DATABASE_URL, schema: names.databaseSchema, poolMax: 4 });
  await migrateScheduler(db, names.databaseSchema);
  directory = servePagedDirectory(nc, names.subjectPrefix, sources, logger);
  await deadJob('broken', 5 * MIN);
  for (const diedAgo of [4 * 60 * MIN, 2 * 60 * MIN, 45 * MIN]) await deadJob('repeat', diedAgo);
  await deadJob('old-death', 2 * 60 * MIN);
  for (const diedAgo of [5, 4, 3, 2].map((h) => h * 60 * MIN).concat(30 * MIN)) await deadJob('recovered', diedAgo);
});

afterAll(async () => {
  directory?.unsubscribe();
  await db?.destroy();
  await dropSchema(names.databaseSchema);
  await nc?.close();
});

describe('scan with dead jobs in the ledger', () => {
  it('leaves sources whose latest jobs died alone until their backoff has passed, reading the ledger once per page', async () => {
    const scan = scanDeps();
    const result = await runBackgroundScan(scan.deps);
    expect(result).toMatchObject({ sources: 600, due: 3, queued: 3, failed: 0, backedOff: 2 });
    expect(scan.requested()).toEqual(['healthy', 'old-death', 'recovered']);
    expect(scan.reads()).toBe(2);
    expect(await findActiveJob(db, 'acme', 'broken')).toBeUndefined();
    expect(await findActiveJob(db, 'acme', 'repeat')).toBeUndefined();
  });

  it('backs off in the scans for watched sources too', async () => {
    const scan = scanDeps(['broken', 'repeat']);
    const result = await runDemandScan(scan.deps);
    expect(result).toMatchObject({ trigger: 'demand', watched: 2, backedOff: 2 });
    expect(scan.requested()).not.toContain('broken');
    expect(scan.requested()).not.toContain('repeat');
  });

  it('never holds back a user: a refresh of a backed-off source queues a job', async () => {
    const outcome = await revalidate(db, { tenant: 'acme', source: 'broken', priority: PRIORITY.userWaiting, mode: 'incremental', reason: 'refresh', force: true });
    expect(outcome).toMatchObject({ joined: false, status: 'queued' });
    expect(await findActiveJob(db, 'acme', 'broken')).toMatchObject({ job_id: outcome.jobId, priority: PRIORITY.userWaiting });
  });

  it('scans every source as before without the ledger (no dead-job backoff configured)', async () => {
    const scan = scanDeps();
    const { deadJobs: _ignored, ...withoutLedger } = scan.deps;
    const result = await runBackgroundScan(withoutLedger);
    expect(result).toMatchObject({ backedOff: 0 });
    expect(scan.requested()).toContain('repeat');
  });
});
