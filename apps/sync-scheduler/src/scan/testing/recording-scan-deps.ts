// ScanDeps for the scan specs on the real servers: this instance always holds the lead,
// time stands still at `now`, and every revalidate goes to the real ledger and is also
// recorded, so a spec can assert exactly which sources a scan asked to sync.
import type { Kysely } from 'kysely';
import type { NatsConnection } from '@nats-io/transport-node';
import type { RevalidateRequest } from '@freshet/contracts';
import type { Logger } from '@freshet/telemetry';
import type { SchedulerDatabase } from '../../db/scheduler-tables';
import { revalidate } from '../../jobs/revalidate';
import type { ScanDeps } from '../background-scan';

export interface ScanSpecSetup {
  nc: NatsConnection;
  db: Kysely<SchedulerDatabase>;
  prefix: string;
  now: Date;
  logger: Logger;
  readWatched?: ScanDeps['readWatched'];
  deadJobs?: ScanDeps['deadJobs'];
}

export function recordingScanDeps({ nc, db, prefix, now, logger, readWatched, deadJobs }: ScanSpecSetup): {
  deps: ScanDeps;
  /** The sources asked for so far, sorted. */
  requested: () => string[];
} {
  const requested: RevalidateRequest[] = [];
  const deps: ScanDeps = {
    nc,
    prefix,
    rpcTimeoutMs: 2_000,
    now: () => now,
    logger,
    stillLeader: () => true,
    readWatched,
    revalidate: (request) => {
      requested.push(request);
      return revalidate(db, request);
    },
    deadJobs,
  };
  return { deps, requested: () => requested.map((r) => r.source).sort() };
}
