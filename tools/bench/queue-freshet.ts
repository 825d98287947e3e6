// Freshet peer: sync commands published with publishSyncCommand on their priority tier's
// subject (<prefix>.cmd.sync.p10|p5|p3|p0) into the work-queue stream provisioned by
// ensureStreams(busTopology(...)), consumed by consumeByPriority — the strict-priority
// worker — over one durable per tier (ensurePriorityConsumers), concurrency 20, no keyOf
// (every command here names the same source; a per-source bound would serialize them).
//
// `consumer: 'durable'` is the fallback for when consumeByPriority cannot be used: 20
// consumeDurable loops on one durable over <prefix>.cmd.sync.> — FIFO across tiers, so
// priority is NOT enforced.
import { randomUUID } from 'node:crypto';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { pino } from 'pino';
import {
  busTopology,
  closeBus,
  connectBus,
  consumeByPriority,
  consumeDurable,
  ensureDurableConsumer,
  ensurePriorityConsumers,
  ensureStreams,
  publishSyncCommand,
  streamState,
  type ConsumerHandle,
  type HandlerResult,
} from '@freshet/bus';
import { allSyncCommandsSubject, PRIORITY_TIERS, syncCommandSchema, syncCommandSubject, type SyncCommand, type SyncCommandInput } from '@freshet/contracts';
import { deleteStreams, TEST_NATS_URL, type TestNames } from '@freshet/testkit';
import { CONCURRENCY, type BenchJob, type QueuePeer } from './queue-peer';

/** Publishes in flight at once when enqueueing in bulk. */
const PUBLISH_WINDOW = 256;
/** "Well above concurrency × replicas", as consumeByPriority asks: the worker bounds concurrency itself. */
const MAX_ACK_PENDING = CONCURRENCY * 10;

export type FreshetConsumer = 'priority' | 'durable';

export function freshetPeer(names: TestNames, options: { consumer: FreshetConsumer }): QueuePeer {
  const { consumer } = options;
  const logger = pino({ level: 'warn' }, pino.destination(2));
  const prefix = names.subjectPrefix;
  const stream = names.commandsStream;
  let nc: NatsConnection | undefined;
  let js: JetStreamClient | undefined;
  let handles: ConsumerHandle[] = [];
  const seqByJob = new Map<string, number>();
  const tiers = PRIORITY_TIERS.map((tier) => ({ name: tier, durable: `bench-${tier}`, filterSubject: syncCommandSubject(prefix, tier) }));

  const command = (job: BenchJob): SyncCommandInput => {
    const jobId = randomUUID();
    seqByJob.set(jobId, job.seq);
    return {
      type: 'sync.requested',
      commandId: randomUUID(),
      jobId,
      tenant: 'bench',
      source: 'queue',
      priority: job.priority,
      mode: 'incremental',
      reason: 'queue benchmark',
      requestedAt: new Date().toISOString(),
    };
  };

  return {
    name: 'freshet',
    description:
      `Freshet: publishSyncCommand (${PUBLISH_WINDOW} in flight when bulk) into work-queue stream ${stream}; ` +
      (consumer === 'priority'
        ? `consumeByPriority concurrency ${CONCURRENCY} over durables ${tiers.map((t) => t.durable).join(', ')} (max_ack_pending ${MAX_ACK_PENDING} each, default idlePollMs); `
        : `FALLBACK: consumeDurable × ${CONCURRENCY} loops on one durable over ${allSyncCommandsSubject(prefix)} (max_ack_pending ${CONCURRENCY}) — priority NOT enforced; `) +
      `priority 10 → p10, 5 → p5 (dispatch), 3 → p3 (backlog)`,
    async setup() {
      nc = await connectBus({ servers: TEST_NATS_URL, name: 'bench-queue', logger });
      const topology = busTopology({ prefix, eventsStream: names.eventsStream, commandsStream: stream, eventsMaxAgeMs: 3_600_000 });
      await ensureStreams(nc, topology, logger);
      js = jetstream(nc);
      if (consumer === 'priority') {
        await ensurePriorityConsumers(nc, { stream, tiers, ackWaitMs: 30_000, maxAckPending: MAX_ACK_PENDING, maxDeliver: 5 });
      } else {
        const filterSubject = allSyncCommandsSubject(prefix);
        await ensureDurableConsumer(nc, { stream, durable: 'bench', filterSubject, ackWaitMs: 30_000, maxAckPending: CONCURRENCY, maxDeliver: 5 });
      }
    },
    async enqueueMany(jobs) {
      if (!js) throw new Error('setup first');
      const client = js;
      let next = 0;
      const lane = async () => {
        while (next < jobs.length) {
          const job = jobs[next++]!;
          await publishSyncCommand(client, prefix, command(job));
        }
      };
      await Promise.all(Array.from({ length: Math.min(PUBLISH_WINDOW, jobs.length) }, lane));
    },
    async enqueueOne(job) {
      if (!js) throw new Error('setup first');
      await publishSyncCommand(js, prefix, command(job));
    },
    async startWorkers(onStart) {
      if (!nc) throw new Error('setup first');
      const handler = (cmd: SyncCommand): HandlerResult => {
        const seq = seqByJob.get(cmd.jobId);
        if (seq === undefined) throw new Error(`unknown job ${cmd.jobId}`);
        onStart(seq);
        return { ack: true };
      };
      const common = { nc, stream, schema: syncCommandSchema, logger, handler };
      handles =
        consumer === 'priority'
          ? [await consumeByPriority({ ...common, tiers, concurrency: CONCURRENCY })]
          : await Promise.all(Array.from({ length: CONCURRENCY }, () => consumeDurable({ ...common, durable: 'bench' })));
    },
    async stopWorkers() {
      await Promise.all(handles.map((h) => h.stop()));
      handles = [];
      await nc?.flush(); // the acks are on their way
      seqByJob.clear();
    },
    async waiting() {
      if (!nc) return 0;
      return (await streamState(nc, stream)).messages;
    },
    async teardown() {
      await Promise.all(handles.map((h) => h.stop().catch(() => undefined)));
      if (nc) await closeBus(nc);
      await deleteStreams([names.eventsStream, stream]);
    },
  };
}
