// Wires the scheduler: its store (ledger + job.queued/job.dead events with an outbox
// relay), the ledger projector, the revalidate API, dispatch, the leased background
// scan, cleanup, and the HTTP API. stop(): stop scanning and answering, let running
// work finish, flush the outbox, then drain.
import { sql } from 'kysely';
import { jetstream } from '@nats-io/jetstream';
import { closeBus, connectBus, ensureStreams, observeConsumerLag, publishEvent, topologyFromConfig } from '@freshet/bus';
import type { RevalidateRequest } from '@freshet/contracts';
import { createEventStoreDb, createOutboxRelay, eventsChannel, observeOutboxLag } from '@freshet/event-store';
import { createServiceMetrics, type Logger } from '@freshet/telemetry';
import { buildSchedulerApp } from './app';
import type { SchedulerConfig } from './config';
import type { SchedulerDatabase } from './db/scheduler-tables';
import { migrateScheduler } from './db/migrate-scheduler';
import { createDispatcher } from './jobs/dispatcher';
import { deleteFinishedBefore, ledgerCounts } from './jobs/job-repository';
import { startLedgerProjector } from './jobs/ledger-projector';
import { revalidate } from './jobs/revalidate';
import { inNewTrace } from './jobs/job-tracing';
import { createSchedulerMetrics } from './jobs/scheduler-metrics';
import { every } from './periodic';
import { startRevalidateResponder } from './rpc/revalidate-responder';
import { startAdminRpc } from './rpc/admin-responder';
import type { JobRow } from './db/scheduler-tables';
import { runBackgroundScan, runDemandScan, type ScanDeps } from './scan/background-scan';
import { deathStreakReader } from './scan/death-streaks';
import { createScanLease } from './scan/scan-lease';
import { createScanLoop } from './scan/scan-loop';
import { observeScanMetrics } from './scan/scan-metrics';
import { createWatchedSourcesReader } from './scan/watched-sources';

/** The outbox relay's checkpoint name, shared by its replicas and read by its lag gauges. */
const OUTBOX_RELAY = 'jetstream';

export async function startScheduler(config: Readonly<SchedulerConfig>, logger: Logger): Promise<{ url: string; stop(): Promise<void> }> {
  const metrics = createServiceMetrics('sync-scheduler');
  const db = createEventStoreDb<SchedulerDatabase>({ connectionString: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, poolMax: config.DATABASE_POOL_MAX });
  await migrateScheduler(db, config.DATABASE_SCHEMA);

  const nc = await connectBus({ servers: config.NATS_URL, name: `sync-scheduler ${config.SCHEDULER_INSTANCE_ID}`, logger });
  await ensureStreams(
    nc,
    topologyFromConfig(config),
    logger,
  );
  const js = jetstream(nc);
  const prefix = config.FRESHET_SUBJECT_PREFIX;

  const relay = createOutboxRelay({
    db,
    name: OUTBOX_RELAY,
    logger,
    listen: { connectionString: config.DATABASE_URL, channel: eventsChannel(config.DATABASE_SCHEMA) },
    publish: async (stored) => {
      await publishEvent(js, prefix, stored.event);
    },
  });
  relay.start();
  // How far the relay is behind (job events committed, not on the bus yet), read when scraped.
  const outboxLag = observeOutboxLag({ db, relay: OUTBOX_RELAY, store: 'sync-scheduler', meter: metrics.meter });

  const schedulerMetrics = createSchedulerMetrics(metrics.meter, () => ledgerCounts(db, new Date()));
  const dispatcher = createDispatcher(db, js, prefix, logger, config.SCHEDULER_STALE_JOB_MS);
  const requestSync = async (request: RevalidateRequest) => {
    const outcome = await revalidate(db, request);
    schedulerMetrics.requested(outcome.joined, outcome.priority);
    if (outcome.dispatch) await dispatcher.dispatch(outcome.job);
    return outcome;
  };

  const projector = await startLedgerProjector({
    nc,
    db,
    prefix,
    eventsStream: config.FRESHET_EVENTS_STREAM,
    durable: config.SCHEDULER_LEDGER_CONSUMER,
    logger,
    onFollowUpQueued: (job) => dispatcher.dispatch(job),
    onChange: (event, status) => {
      schedulerMetrics.outcome(status);
      if (event.type === 'job.started' && event.data.attempt === 1) {
        void db
          .selectFrom('jobs')
          .select(['queued_at', 'priority'])
          .where('job_id', '=', event.data.jobId)
          .executeTakeFirst()
          .then((job) => job && schedulerMetrics.waited((Date.parse(event.time) - job.queued_at.getTime()) / 1000, job.priority));
      }
    },
  });
  const ledgerLag = observeConsumerLag({ nc, stream: config.FRESHET_EVENTS_STREAM, durables: [config.SCHEDULER_LEDGER_CONSUMER], meter: metrics.meter });
  const rpc = startRevalidateResponder(nc, prefix, config.SCHEDULER_RPC_TIMEOUT_MS, { revalidate: requestSync }, logger);
  const retryDeadJob = (job: JobRow) =>
    requestSync({ tenant: job.tenant, source: job.source, priority: job.priority, mode: job.mode === 'full' ? 'full' : 'incremental', reason: `retry of dead job ${job.job_id}` });
  const adminRpc = startAdminRpc(nc, prefix, { db, retry: retryDeadJob }, logger);

  const lease = createScanLease({ connectionString: config.DATABASE_URL, key: `freshet-scan:${config.DATABASE_SCHEMA}`, logger, instanceId: config.SCHEDULER_INSTANCE_ID });
  const demand = createWatchedSourcesReader({ nc, prefix, timeoutMs: config.SCHEDULER_RPC_TIMEOUT_MS, logger });
  // Each background sync is a trace of its own, from this decision to the events it produced.
  const backgroundSync = (request: RevalidateRequest) =>
    inNewTrace('scheduler background sync', { 'freshet.tenant': request.tenant, 'freshet.source': request.source, 'freshet.job.priority': request.priority }, () => requestSync(request));
  const scanDeps: ScanDeps = {
    nc,
    prefix,
    rpcTimeoutMs: config.SCHEDULER_RPC_TIMEOUT_MS,
    revalidate: backgroundSync,
    stillLeader: () => lease.held(),
    now: () => new Date(),
    logger,
    readWatched: demand.read,
    deadJobs: { read: deathStreakReader(db), backoff: { baseMs: config.SCHEDULER_DEAD_BACKOFF_MS, maxMs: config.SCHEDULER_DEAD_BACKOFF_MAX_MS } },
  };
  const scanLoop = createScanLoop({
    intervalMs: config.SCHEDULER_SCAN_INTERVAL_MS,
    demandIntervalMs: config.SCHEDULER_DEMAND_SCAN_INTERVAL_MS,
    lease,
    logger,
    scan: () => runBackgroundScan(scanDeps),
    demandScan: () => runDemandScan(scanDeps),
    demandStatus: demand.status,
  });
  observeScanMetrics(metrics.meter, () => scanLoop.status());
  if (config.SCHEDULER_SCAN_ENABLED) scanLoop.start();

  const sweep = every(config.SCHEDULER_DISPATCH_SWEEP_MS, 'dispatch sweep', () => dispatcher.sweep(), logger);
  const cleanup = every(
    config.SCHEDULER_CLEANUP_INTERVAL_MS,
    'job cleanup',
    async () => {
      const removed = await deleteFinishedBefore(db, new Date(Date.now() - config.SCHEDULER_JOB_RETENTION_DAYS * 86_400_000));
      if (removed > 0) logger.info({ removed, retentionDays: config.SCHEDULER_JOB_RETENTION_DAYS }, 'finished jobs cleaned up');
    },
    logger,
  );

  const app = await buildSchedulerApp({
    logger,
    metrics,
    readiness: { postgres: () => sql`select 1`.execute(db), nats: () => nc.flush() },
    jobs: {
      db,
      instanceId: config.SCHEDULER_INSTANCE_ID,
      scanStatus: () => scanLoop.status(),
      leaseHolder: () => scanLoop.leaseHolder(),
      retry: retryDeadJob,
    },
  });
  const url = await app.listen({ host: config.HOST, port: config.PORT });
  logger.info({ url, instanceId: config.SCHEDULER_INSTANCE_ID }, 'sync-scheduler listening');

  return {
    url,
    async stop() {
      await scanLoop.stop();
      rpc.unsubscribe();
      adminRpc.unsubscribe();
      await app.close();
      await sweep.stop();
      await cleanup.stop();
      await projector.stop();
      ledgerLag.stop();
      await relay.stop();
      outboxLag.stop();
      await closeBus(nc);
      await db.destroy();
      await metrics.shutdown();
    },
  };
}
