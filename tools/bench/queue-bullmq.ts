// BullMQ peer: one Queue and one Worker (concurrency 20) on Redis, under a unique key
// prefix. BullMQ's priority runs the other way (1 = highest), so Freshet's 0-10 maps to
// 11 - priority. Dispatch jobs are plain (no priority), BullMQ's fastest path.
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL, type TestNames } from '@freshet/testkit';
import { CONCURRENCY, NORMAL_PRIORITY, packageVersion, type BenchJob, type QueuePeer } from './queue-peer';

interface Data {
  seq: number;
}

const ADD_BULK_CHUNK = 1_000;

/** Freshet priority (10 = most urgent) → BullMQ priority (1 = most urgent); normal jobs get none. */
function bullPriority(priority: number): number | undefined {
  return priority === NORMAL_PRIORITY ? undefined : 11 - priority;
}

export function bullmqPeer(names: TestNames): QueuePeer {
  const url = new URL(TEST_REDIS_URL);
  const connection = { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null };
  // BullMQ adds ':' between prefix and queue name itself.
  const prefix = names.redisKeyPrefix.replace(/:$/, '');
  const queueName = 'bench-queue';
  let queue: Queue<Data> | undefined;
  let worker: Worker<Data> | undefined;

  const jobOptions = (job: BenchJob) => {
    const priority = bullPriority(job.priority);
    return { removeOnComplete: true, removeOnFail: true, ...(priority === undefined ? {} : { priority }) };
  };

  return {
    name: 'bullmq',
    description: `BullMQ ${packageVersion('bullmq')}: Queue.addBulk (chunks of ${ADD_BULK_CHUNK}) / Queue.add, one Worker concurrency ${CONCURRENCY}, removeOnComplete; priority = 11 - p (10→1, 3→8); Redis keys ${prefix}:${queueName}:*`,
    async setup() {
      queue = new Queue<Data>(queueName, { connection, prefix });
      await queue.waitUntilReady();
    },
    async enqueueMany(jobs) {
      if (!queue) throw new Error('setup first');
      for (let i = 0; i < jobs.length; i += ADD_BULK_CHUNK) {
        await queue.addBulk(jobs.slice(i, i + ADD_BULK_CHUNK).map((job) => ({ name: 'job', data: { seq: job.seq }, opts: jobOptions(job) })));
      }
    },
    async enqueueOne(job) {
      if (!queue) throw new Error('setup first');
      await queue.add('job', { seq: job.seq }, jobOptions(job));
    },
    async startWorkers(onStart) {
      worker = new Worker<Data>(
        queueName,
        async (job) => {
          onStart(job.data.seq);
        },
        { connection, prefix, concurrency: CONCURRENCY, autorun: false },
      );
      worker.on('error', (error) => process.stderr.write(`  [bullmq] worker error: ${String(error)}\n`));
      await worker.waitUntilReady();
      void worker.run();
    },
    async stopWorkers() {
      await worker?.close();
      worker = undefined;
    },
    async waiting() {
      if (!queue) return 0;
      const counts = await queue.getJobCounts('wait', 'prioritized', 'delayed');
      return Object.values(counts).reduce((a, b) => a + b, 0);
    },
    async teardown() {
      await worker?.close().catch(() => undefined);
      if (queue) {
        await queue.obliterate({ force: true }).catch(() => undefined);
        await queue.close();
      }
      // Whatever obliterate left (meta, events stream, id counter).
      const redis = new Redis(TEST_REDIS_URL);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) await redis.del(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}
