// pg-boss peer: a queue in its own Postgres schema, 20 workers (`work()` called 20 times:
// pg-boss 10's way to run handlers concurrently), each fetching `batchSize` jobs per
// poll, highest priority first, and polling every 0.5 s (pg-boss's minimum). A worker
// that finds jobs still waits out the rest of its interval before the next fetch, so
// batchSize sets its ceiling: 20 workers × batchSize ÷ 0.5 s.
//
// Started together, the 20 workers poll in lock-step (a no-op handler never makes them
// drift), so a new job waits ~250 ms on average for the next poll. By default their
// starts are staggered by 0.5 s ÷ 20 = 25 ms, so some worker polls every 25 ms: pg-boss's
// best case for latency. `stagger: false` starts them together.
import PgBoss from 'pg-boss';
import { dropSchema, TEST_DATABASE_URL, type TestNames } from '@freshet/testkit';
import { CONCURRENCY, packageVersion, type BenchJob, type QueuePeer } from './queue-peer';

interface Data {
  seq: number;
}

const INSERT_CHUNK = 1_000;
const POLLING_INTERVAL_SECONDS = 0.5;

export function pgbossPeer(names: TestNames, options: { batchSize: number; stagger: boolean }): QueuePeer {
  const { batchSize, stagger } = options;
  const staggerMs = stagger ? (POLLING_INTERVAL_SECONDS * 1000) / CONCURRENCY : 0;
  const schema = names.databaseSchema;
  const queueName = 'bench-queue';
  let boss: PgBoss | undefined;
  let workerIds: string[] = [];

  const activeJobs = async (): Promise<number> => {
    if (!boss) return 0;
    const { rows } = await boss.getDb().executeSql(`SELECT count(*)::int AS n FROM "${schema}".job WHERE name = $1 AND state = 'active'`, [queueName]);
    return (rows[0] as { n: number }).n;
  };

  return {
    name: 'pgboss',
    description:
      `pg-boss ${packageVersion('pg-boss')}: insert() (chunks of ${INSERT_CHUNK}) / send(), ${CONCURRENCY} workers × batchSize ${batchSize}, ` +
      `pollingIntervalSeconds ${POLLING_INTERVAL_SECONDS}, ${stagger ? `worker starts staggered by ${staggerMs} ms` : 'workers started together (lock-step polls)'}, pool max ${CONCURRENCY + 5}, cron and maintenance off; priority = p (higher first); schema ${schema}`,
    async setup() {
      boss = new PgBoss({
        connectionString: TEST_DATABASE_URL,
        schema,
        max: CONCURRENCY + 5, // a connection per polling worker, plus completions and sends
        schedule: false, // no cron polling: nothing here is scheduled
        supervise: false, // no maintenance/expiry sweeps during a 10-second run
      });
      boss.on('error', (error) => process.stderr.write(`  [pgboss] error: ${String(error)}\n`));
      await boss.start();
      await boss.createQueue(queueName);
    },
    async enqueueMany(jobs) {
      if (!boss) throw new Error('setup first');
      for (let i = 0; i < jobs.length; i += INSERT_CHUNK) {
        await boss.insert(jobs.slice(i, i + INSERT_CHUNK).map((job: BenchJob) => ({ name: queueName, data: { seq: job.seq }, priority: job.priority })));
      }
    },
    async enqueueOne(job) {
      if (!boss) throw new Error('setup first');
      await boss.send(queueName, { seq: job.seq }, { priority: job.priority });
    },
    async startWorkers(onStart) {
      if (!boss) throw new Error('setup first');
      const workOptions = { batchSize, pollingIntervalSeconds: POLLING_INTERVAL_SECONDS };
      const handler = async (jobs: PgBoss.Job<Data>[]) => {
        for (const job of jobs) onStart(job.data.seq);
      };
      const client = boss;
      workerIds = await Promise.all(
        Array.from({ length: CONCURRENCY }, async (_, i) => {
          if (staggerMs > 0) await new Promise((r) => setTimeout(r, i * staggerMs));
          return client.work<Data>(queueName, workOptions, handler);
        }),
      );
    },
    async stopWorkers() {
      if (!boss) return;
      for (const id of workerIds) await boss.offWork({ id });
      workerIds = [];
      // pg-boss completes a batch without awaiting it: wait until nothing is left active.
      const deadline = Date.now() + 30_000;
      while ((await activeJobs()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      // Keep the next measurement's table small, as a fresh queue would be.
      await boss.getDb().executeSql(`DELETE FROM "${schema}".job WHERE name = $1 AND state = 'completed'`, [queueName]);
    },
    async waiting() {
      if (!boss) return 0;
      return boss.getQueueSize(queueName);
    },
    async teardown() {
      await boss?.stop({ graceful: false, wait: true }).catch(() => undefined);
      await dropSchema(schema);
    },
  };
}
