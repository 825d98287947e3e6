// Wires ingest's long-running parts and owns their lifecycle: migrations, the outbox
// relay, the sync-command consumers (one per priority tier, taken highest first), the
// source RPC and the HTTP server. stop() closes them in the order that loses nothing: stop
// taking jobs, finish the running ones, flush the outbox, then drain the bus and close the pool.
import { sql } from 'kysely';
import { Redis } from 'ioredis';
import { createConcurrencyLimiter, createRequestBudget, createUpstreamGuard, guardGate } from '@freshet/connectors';
import { jetstream } from '@nats-io/jetstream';
import {
  closeBus,
  connectBus,
  consumeByPriority,
  ensurePriorityConsumers,
  ensureStreams,
  observeConsumerLag,
  publishEvent,
  retireDurableConsumer,
  topologyFromConfig,
  type PriorityTierConsumer,
} from '@freshet/bus';
import { allSyncCommandsSubject, PRIORITY_TIERS, syncCommandSchema, syncCommandSubject, type SyncCommand } from '@freshet/contracts';
import { createEventStoreDb, createOutboxRelay, eventsChannel, observeOutboxLag } from '@freshet/event-store';
import { createServiceMetrics, type Logger } from '@freshet/telemetry';
import { buildIngestApp } from './app';
import type { IngestConfig } from './config';
import type { IngestDatabase } from './db/ingest-tables';
import { migrateIngest } from './db/migrate-ingest';
import { readSourcesFile } from './sources/sources-file';
import { secretFilesResolver } from './sources/secret-files';
import { sourceSecretEnv } from './sources/secret-env';
import { upsertSource } from './sources/source-repository';
import { startSourceRpc } from './rpc/source-rpc-responder';
import { createSyncCommandHandler } from './sync/sync-command-handler';
import { createSyncMetrics } from './metrics/sync-metrics';

/**
 * Each tier consumer's max_ack_pending. Not the concurrency limit (the worker keeps to
 * INGEST_MAX_CONCURRENT_JOBS): it must stay above that × replicas plus the commands waiting
 * out a hand-back delay, or nats-server 2.9 silently ignores the worker's pulls.
 */
const TIER_MAX_ACK_PENDING = 1_000;

/** The outbox relay's checkpoint name, shared by its replicas and read by its lag gauges. */
const OUTBOX_RELAY = 'jetstream';

/** One durable per priority tier, highest first: `<INGEST_CONSUMER>-p10`, `-p5`, `-p3`, `-p0`. */
export function syncCommandTiers(config: Pick<IngestConfig, 'FRESHET_SUBJECT_PREFIX' | 'INGEST_CONSUMER'>): PriorityTierConsumer[] {
  return PRIORITY_TIERS.map((tier) => ({
    name: tier,
    durable: `${config.INGEST_CONSUMER}-${tier}`,
    filterSubject: syncCommandSubject(config.FRESHET_SUBJECT_PREFIX, tier),
  }));
}

export interface RunningIngest {
  url: string;
  stop(): Promise<void>;
}

export async function startIngest(config: Readonly<IngestConfig>, logger: Logger): Promise<RunningIngest> {
  // Read before touching anything: a bad file stops the start with nothing changed.
  const sourcesFromFile = config.INGEST_SOURCES_FILE ? await readSourcesFile(config.INGEST_SOURCES_FILE) : [];
  const metrics = createServiceMetrics('ingest');
  const db = createEventStoreDb<IngestDatabase>({
    connectionString: config.DATABASE_URL,
    schema: config.DATABASE_SCHEMA,
    poolMax: config.DATABASE_POOL_MAX,
  });
  await migrateIngest(db, config.DATABASE_SCHEMA);
  if (sourcesFromFile.length > 0) {
    await db.transaction().execute(async (trx) => {
      for (const source of sourcesFromFile) await upsertSource(trx, source);
    });
    logger.info({ file: config.INGEST_SOURCES_FILE, sources: sourcesFromFile.map((s) => `${s.tenant}/${s.source}`) }, 'sources applied');
  }

  // Shared upstream limits live in Redis; if it is down, syncs fail retryably and
  // nothing is sent upstream unguarded.
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
  redis.on('error', (error) => logger.warn({ err: error }, 'redis connection problem'));
  await redis.connect().catch((error: unknown) => logger.warn({ err: error }, 'redis not reachable at start'));
  const gate = guardGate(createUpstreamGuard({ redis, keyPrefix: `${config.REDIS_KEY_PREFIX}limits:`, logger, meter: metrics.meter }));

  const nc = await connectBus({ servers: config.NATS_URL, name: 'ingest', logger });
  const topology = topologyFromConfig(config);
  await ensureStreams(nc, topology, logger);
  const js = jetstream(nc);

  const relay = createOutboxRelay({
    db,
    name: OUTBOX_RELAY,
    logger,
    pollIntervalMs: config.OUTBOX_POLL_MS,
    listen: { connectionString: config.DATABASE_URL, channel: eventsChannel(config.DATABASE_SCHEMA) },
    publish: async (stored) => {
      await publishEvent(js, config.FRESHET_SUBJECT_PREFIX, stored.event);
    },
  });
  relay.start();
  // How far the relay is behind (events committed, not on the bus yet), read when scraped.
  const outboxLag = observeOutboxLag({ db, relay: OUTBOX_RELAY, store: 'ingest', meter: metrics.meter });

  const stream = config.FRESHET_COMMANDS_STREAM;
  const tiers = syncCommandTiers(config);
  // Before tiers, ingest had one consumer over every tier. On a work-queue stream it would
  // overlap the tier consumers (the server refuses them), so it goes; the commands it held
  // stay queued for the tier consumers.
  const legacy = await retireDurableConsumer(nc, { stream, durable: config.INGEST_CONSUMER, filterSubject: allSyncCommandsSubject(config.FRESHET_SUBJECT_PREFIX) });
  if (legacy.outcome === 'deleted') {
    logger.warn(
      { stream, consumer: config.INGEST_CONSUMER, pending: legacy.pending, ackPending: legacy.ackPending },
      'deleted the single sync-command consumer of an older ingest; per-tier consumers replace it',
    );
  } else if (legacy.outcome === 'kept') {
    logger.warn({ stream, consumer: config.INGEST_CONSUMER, filterSubject: legacy.filterSubject }, 'a consumer named INGEST_CONSUMER exists with another filter; left alone');
  }
  // Each running sync holds a connection for its source lock and takes another per page.
  if (config.DATABASE_POOL_MAX < 2 * config.INGEST_MAX_CONCURRENT_JOBS + 2) {
    logger.warn(
      { DATABASE_POOL_MAX: config.DATABASE_POOL_MAX, INGEST_MAX_CONCURRENT_JOBS: config.INGEST_MAX_CONCURRENT_JOBS },
      'the database pool is small for this many concurrent jobs (each holds two connections at times); syncs will queue for connections',
    );
  }
  await ensurePriorityConsumers(nc, {
    stream,
    tiers,
    ackWaitMs: config.INGEST_ACK_WAIT_MS,
    maxAckPending: TIER_MAX_ACK_PENDING,
    maxDeliver: config.INGEST_MAX_DELIVER,
  });
  const consumer = await consumeByPriority({
    nc,
    stream,
    tiers,
    schema: syncCommandSchema,
    logger,
    concurrency: config.INGEST_MAX_CONCURRENT_JOBS,
    // One upstream per source: the bound keeps a replica from spending its slots on one.
    keyOf: (command: SyncCommand) => `${command.tenant}/${command.source}`,
    maxPerKey: config.INGEST_MAX_CONCURRENT_PER_SOURCE,
    handler: createSyncCommandHandler({
      db,
      logger,
      retry: { maxAttempts: config.INGEST_MAX_ATTEMPTS, baseDelayMs: config.INGEST_RETRY_BASE_MS },
      metrics: createSyncMetrics(metrics.meter),
      gate,
      budget: createRequestBudget({ redis, keyPrefix: `${config.REDIS_KEY_PREFIX}limits:` }),
      upstreamSlots: {
        limiter: createConcurrencyLimiter({ redis, keyPrefix: `${config.REDIS_KEY_PREFIX}limits:`, leaseMs: 60_000 }),
        perUpstream: config.INGEST_MAX_CONCURRENT_PER_UPSTREAM,
      },
      // Credentials are read when a request needs them, from the environment or the
      // secrets directory; they never pass through config, the database or events.
      secrets: { env: sourceSecretEnv(process.env), resolveRef: config.INGEST_SECRETS_DIR ? secretFilesResolver(config.INGEST_SECRETS_DIR) : undefined },
    }),
  });

  const rpc = startSourceRpc(nc, db, config.FRESHET_SUBJECT_PREFIX, logger);
  // Commands waiting per tier (the work queue's backlog), read from the server when scraped.
  const commandLag = observeConsumerLag({ nc, stream, durables: tiers.map((t) => t.durable), meter: metrics.meter });

  const app = await buildIngestApp({
    db,
    logger,
    metrics,
    readiness: {
      postgres: () => sql`select 1`.execute(db),
      nats: () => nc.flush(),
      redis: () => redis.ping(),
    },
  });
  const url = await app.listen({ host: config.HOST, port: config.PORT });
  logger.info({ url }, 'ingest listening');

  return {
    url,
    async stop() {
      await app.close();
      await consumer.stop();
      rpc.unsubscribe();
      commandLag.stop();
      await relay.stop();
      outboxLag.stop();
      await closeBus(nc);
      await db.destroy();
      redis.disconnect();
      await metrics.shutdown();
    },
  };
}
