// Wires ingest's long-running parts and owns their lifecycle: migrations, the outbox
// relay, the sync-command consumer, the source RPC and the HTTP server. stop() closes
// them in the order that loses nothing: stop taking jobs, finish the running one, flush
// the outbox, then drain the bus and close the pool.
import { sql } from 'kysely';
import { Redis } from 'ioredis';
import { createUpstreamGuard, guardGate } from '@freshet/connectors';
import { jetstream } from '@nats-io/jetstream';
import {
  busTopology,
  closeBus,
  connectBus,
  consumeDurable,
  ensureDurableConsumer,
  ensureStreams,
  publishEvent,
} from '@freshet/bus';
import { allSyncCommandsSubject, syncCommandSchema } from '@freshet/contracts';
import { createEventStoreDb, createOutboxRelay, eventsChannel } from '@freshet/event-store';
import { createServiceMetrics, type Logger } from '@freshet/telemetry';
import { buildIngestApp } from './app';
import type { IngestConfig } from './config';
import type { IngestDatabase } from './db/ingest-tables';
import { migrateIngest } from './db/migrate-ingest';
import { readSourcesFile } from './sources/sources-file';
import { secretFilesResolver } from './sources/secret-files';
import { upsertSource } from './sources/source-repository';
import { startSourceRpc } from './rpc/source-rpc-responder';
import { createSyncCommandHandler } from './sync/sync-command-handler';
import { createSyncMetrics } from './metrics/sync-metrics';

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
  const topology = busTopology({
    prefix: config.FRESHET_SUBJECT_PREFIX,
    eventsStream: config.FRESHET_EVENTS_STREAM,
    commandsStream: config.FRESHET_COMMANDS_STREAM,
    eventsMaxAgeMs: config.FRESHET_EVENTS_MAX_AGE_HOURS * 3_600_000,
  });
  await ensureStreams(nc, topology, logger);
  const js = jetstream(nc);

  const relay = createOutboxRelay({
    db,
    name: 'jetstream',
    logger,
    pollIntervalMs: config.OUTBOX_POLL_MS,
    listen: { connectionString: config.DATABASE_URL, channel: eventsChannel(config.DATABASE_SCHEMA) },
    publish: async (stored) => {
      await publishEvent(js, config.FRESHET_SUBJECT_PREFIX, stored.event);
    },
  });
  relay.start();

  await ensureDurableConsumer(nc, {
    stream: config.FRESHET_COMMANDS_STREAM,
    durable: config.INGEST_CONSUMER,
    filterSubject: allSyncCommandsSubject(config.FRESHET_SUBJECT_PREFIX),
    ackWaitMs: config.INGEST_ACK_WAIT_MS,
    maxAckPending: config.INGEST_MAX_CONCURRENT_JOBS,
    // Room for a crash on the last attempt: the handler ends a job itself after
    // INGEST_MAX_ATTEMPTS, the server's limit is only the safety net.
    maxDeliver: config.INGEST_MAX_ATTEMPTS + 2,
  });
  const consumer = await consumeDurable({
    nc,
    stream: config.FRESHET_COMMANDS_STREAM,
    durable: config.INGEST_CONSUMER,
    schema: syncCommandSchema,
    logger,
    handler: createSyncCommandHandler({
      db,
      logger,
      retry: { maxAttempts: config.INGEST_MAX_ATTEMPTS, baseDelayMs: config.INGEST_RETRY_BASE_MS },
      metrics: createSyncMetrics(metrics.meter),
      gate,
      // Credentials are read when a request needs them, from the environment or the
      // secrets directory; they never pass through config, the database or events.
      secrets: { env: process.env, resolveRef: config.INGEST_SECRETS_DIR ? secretFilesResolver(config.INGEST_SECRETS_DIR) : undefined },
    }),
  });

  const rpc = startSourceRpc(nc, db, config.FRESHET_SUBJECT_PREFIX, logger);

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
      await relay.stop();
      await closeBus(nc);
      await db.destroy();
      redis.disconnect();
      await metrics.shutdown();
    },
  };
}
