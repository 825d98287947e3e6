// Seeds a source as a sync by ingest would: each record committed to the stand-in's
// database before its event is published, then the job's completion, and waits until the
// cache's view has applied them all, so a test starts from a known view.
import type { JetStreamClient } from '@nats-io/jetstream';
import type { Redis } from 'ioredis';
import { waitFor, type TestNames } from '@freshet/testkit';
import { publishAll } from './publish-events';
import type { IngestDatabase } from './stand-in-ingest';
import { contentCreated, jobCompleted } from './test-events';
import { viewSeq } from './view-position';

export interface SeedingTarget {
  js: JetStreamClient;
  /** A client without a key prefix. */
  raw: Redis;
  names: TestNames;
  database: IngestDatabase;
}

/** Publishes `records` records keyed `<source>-<i>` and a completion. */
export async function seedView({ js, raw, names, database }: SeedingTarget, tenant: string, source: string, records: number): Promise<void> {
  const table = database.tableOf(tenant, source);
  for (let i = 0; i < records; i += 1) {
    const event = contentCreated(tenant, source, `${source}-${i}`);
    table.records.set(`${source}-${i}`, { key: `${source}-${i}` }); // committed before it is published
    await publishAll(js, names.subjectPrefix, [event]);
  }
  const done = jobCompleted(tenant, source);
  table.lastSyncedAt = done.time;
  const last = await publishAll(js, names.subjectPrefix, [done]);
  await waitFor(async () => (await viewSeq(raw, names.redisKeyPrefix, tenant, source)) >= last, { message: `${tenant}/${source} seeded` });
}
