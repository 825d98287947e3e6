// The processes `npm run bench -- cache` needs — upstream-sim, ingest, sync-scheduler and
// two cache replicas (one projection consumer and one Redis key prefix between them), plus
// the bare baseline server — on free ports under unique names (testNames: Postgres
// schemas, subject prefix, streams, Redis key prefix), and the calls the benchmark makes on
// them. teardown() stops every process and deletes the schemas, streams and Redis keys.
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { requestJson, streamLastSequence } from '@freshet/bus';
import { RPC, revalidateReplySchema, rpcSubject } from '@freshet/contracts';
import { deleteStreams, dropSchema, testNames, TEST_DATABASE_URL, TEST_NATS_URL, TEST_REDIS_URL, type TestNames, freePort } from '@freshet/testkit';
import { AppProcess } from '../dev/app-process';

export const TENANT = 'bench';

/** A source's view as the cache's projection holds it in Redis (read directly, so nothing triggers a revalidation). */
export interface ViewMeta {
  count: number;
  lastSyncedAt: string | null;
  /** Set when the cache recorded a failed revalidation. */
  error: string | null;
}

/** An event of the events stream, as much of it as the benchmark reads. */
export interface StreamEvent {
  type: string;
  data: { jobId?: string; state?: string };
}

export interface CacheBenchStack {
  names: TestNames;
  sim: string;
  ingest: string;
  scheduler: string;
  caches: [string, string];
  /** Starts the bare Fastify + ioredis server answering the bytes in `bodyKey`; its base URL. */
  startBare(bodyKey: string): Promise<string>;
  /** Redis without a key prefix: full key names. */
  redis: Redis;
  registerSource(source: string, definition: Record<string, unknown>): Promise<void>;
  /** Asks the scheduler for a sync, as the gateway's refresh does; the job's id. */
  requestSync(source: string, reason: string): Promise<string>;
  viewMeta(source: string): Promise<ViewMeta>;
  /** The cache's revalidation marker of the source: a job id, `pending:…`, or null. */
  revalidationMarker(source: string): Promise<string | null>;
  /** Every request upstream-sim counted for the dataset since the last reset, whatever its outcome. */
  simRequests(dataset: string): Promise<number>;
  resetSimStats(): Promise<void>;
  setSimLatency(dataset: string, latencyMs: number): Promise<void>;
  /** Sequence of the last message in the events stream. */
  lastEventSeq(): Promise<number>;
  /** The source's events stored after `afterSeq`. */
  eventsAfter(afterSeq: number, source: string): Promise<StreamEvent[]>;
  /** Jobs of the source the scheduler's ledger holds as queued, running or retrying. */
  activeJobs(source: string): Promise<number>;
  teardown(): Promise<void>;
}

async function ok(response: Response, what: string): Promise<Response> {
  if (!response.ok) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return response;
}

async function waitReady(url: string, app: AppProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!app.running) throw new Error(`${app.options.name} exited during start-up (exit code ${app.child.exitCode}); see its log`);
    if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${app.options.name} not ready after ${timeoutMs} ms`);
}

export async function startCacheBenchStack(options: { logFile: string; datasets: string; log: (message: string) => void }): Promise<CacheBenchStack> {
  const { logFile, log } = options;
  const names = testNames('bcache');
  const schedulerSchema = `${names.databaseSchema}_scheduler`;
  const processes: AppProcess[] = [];
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let nc: NatsConnection | undefined;

  const teardown = async () => {
    const step = async (what: string, work: () => Promise<unknown>) => {
      try {
        await work();
      } catch (error) {
        log(`clean-up: ${what} failed: ${String(error)}`);
      }
    };
    for (const app of [...processes].reverse()) await step(`stopping ${app.options.name}`, () => app.stop());
    if (nc) await step('closing NATS', () => nc!.close());
    await step('deleting Redis keys', async () => {
      if (redis.status !== 'ready') await redis.connect();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${names.redisKeyPrefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
      await redis.quit();
    });
    await step('dropping schemas', async () => {
      await dropSchema(names.databaseSchema);
      await dropSchema(schedulerSchema);
    });
    await step('deleting streams', () => deleteStreams([names.eventsStream, names.commandsStream]));
  };

  const spawn = async (name: string, entry: string, env: Record<string, string>): Promise<string> => {
    const port = await freePort();
    const app = new AppProcess({ name, entry, env: { HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env, PORT: String(port) }, output: logFile });
    processes.push(app);
    const url = `http://127.0.0.1:${port}`;
    await waitReady(url, app);
    return url;
  };

  // What every Freshet service shares (as tools/dev/stack.ts sets it).
  const shared = {
    NATS_URL: TEST_NATS_URL,
    DATABASE_URL: TEST_DATABASE_URL,
    REDIS_URL: TEST_REDIS_URL,
    FRESHET_SUBJECT_PREFIX: names.subjectPrefix,
    FRESHET_EVENTS_STREAM: names.eventsStream,
    FRESHET_COMMANDS_STREAM: names.commandsStream,
    DATABASE_SCHEMA: names.databaseSchema,
    REDIS_KEY_PREFIX: names.redisKeyPrefix,
  };

  try {
    await redis.connect();
    const sim = await spawn('upstream-sim', 'apps/upstream-sim/src/main.ts', { SIM_DATASETS: options.datasets });
    // ingest first: it migrates its store and provisions the streams.
    const ingest = await spawn('ingest', 'apps/ingest/src/main.ts', shared);
    const [scheduler, cache1, cache2] = await Promise.all([
      // No background scan: every sync in this run is one the benchmark or the cache asked for.
      spawn('sync-scheduler', 'apps/sync-scheduler/src/main.ts', { ...shared, DATABASE_SCHEMA: schedulerSchema, SCHEDULER_SCAN_ENABLED: 'false' }),
      // Two replicas, one Redis key prefix, one projection consumer (the default name).
      spawn('cache-1', 'apps/cache/src/main.ts', shared),
      spawn('cache-2', 'apps/cache/src/main.ts', shared),
    ]);
    nc = await connect({ servers: TEST_NATS_URL, name: 'bench-cache' });
    const bus = nc;
    const sourceKey = (source: string) => `${names.redisKeyPrefix}src:{${TENANT}}:${source}`; // apps/cache/src/projection/keys.ts

    return {
      names,
      sim,
      ingest,
      scheduler,
      caches: [cache1, cache2],
      redis,
      startBare: (bodyKey) => spawn('bare', 'tools/bench/cache-bare-server.ts', { REDIS_URL: TEST_REDIS_URL, BARE_BODY_KEY: bodyKey }),
      async registerSource(source, definition) {
        await ok(
          await fetch(`${ingest}/internal/v1/sources/${TENANT}/${source}`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(definition),
          }),
          `registering ${source}`,
        );
      },
      async requestSync(source, reason) {
        const subject = rpcSubject(names.subjectPrefix, RPC.scheduler.service, RPC.scheduler.revalidate);
        const reply = await requestJson(bus, subject, { tenant: TENANT, source, priority: 10, reason }, revalidateReplySchema, 10_000);
        if (!reply.ok) throw new Error(`the scheduler refused a sync of ${source}: ${reply.error.code} ${reply.error.message}`);
        return reply.jobId;
      },
      async viewMeta(source) {
        const [count, lastSyncedAt, error] = await redis.hmget(`${sourceKey(source)}:meta`, 'count', 'lastSyncedAt', 'error');
        return { count: Number(count ?? 0), lastSyncedAt: lastSyncedAt || null, error: error || null };
      },
      revalidationMarker: (source) => redis.get(`${sourceKey(source)}:revalidating`),
      async simRequests(dataset) {
        const stats = (await (await ok(await fetch(`${sim}/admin/stats`), 'upstream stats')).json()) as { byDataset: Record<string, Record<string, unknown>> };
        const counts = stats.byDataset[dataset] ?? {};
        return Object.entries(counts).reduce((sum, [outcome, n]) => (outcome !== 'requestsByRoute' && typeof n === 'number' ? sum + n : sum), 0);
      },
      async resetSimStats() {
        await ok(await fetch(`${sim}/admin/stats/reset`, { method: 'POST' }), 'resetting upstream stats');
      },
      async setSimLatency(dataset, latencyMs) {
        await ok(
          await fetch(`${sim}/admin/datasets/${dataset}/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs }) }),
          'setting upstream latency',
        );
      },
      lastEventSeq: () => streamLastSequence(bus, names.eventsStream),
      async eventsAfter(afterSeq, source) {
        const last = await streamLastSequence(bus, names.eventsStream);
        if (last <= afterSeq) return [];
        const consumer = await jetstream(bus).consumers.get(names.eventsStream, {
          filter_subjects: `${names.subjectPrefix}.evt.${TENANT}.${source}.>`,
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: afterSeq + 1,
        });
        const events: StreamEvent[] = [];
        for (;;) {
          const message = await consumer.next({ expires: 2_000 });
          if (!message) break;
          events.push(message.json<StreamEvent>());
          if (message.info.pending === 0) break;
        }
        await consumer.delete().catch(() => undefined);
        return events;
      },
      async activeJobs(source) {
        const res = await ok(await fetch(`${scheduler}/v1/jobs?tenant=${TENANT}&limit=500`), 'scheduler jobs');
        const { jobs } = (await res.json()) as { jobs: Array<{ source: string; status: string }> };
        return jobs.filter((job) => job.source === source && ['queued', 'running', 'retrying'].includes(job.status)).length;
      },
      teardown,
    };
  } catch (error) {
    await teardown();
    throw error;
  }
}
