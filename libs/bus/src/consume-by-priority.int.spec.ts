// consumeByPriority against the real nats-server: strict priority across tier consumers of
// one work-queue stream (also behind a 10,000-message backlog), the concurrency bounds,
// the per-message semantics it shares with consumeDurable, and stop().
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream, jetstreamManager, AckPolicy } from '@nats-io/jetstream';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { nanos } from '@nats-io/transport-node';
import {
  PRIORITY_TIERS,
  syncCommandSchema,
  syncCommandSubject,
  allSyncCommandsSubject,
  type PriorityTier,
  type SyncCommand,
} from '@freshet/contracts';
import { deleteStreams, testNames, TEST_NATS_URL, waitFor } from '@freshet/testkit';
import { INVALID_MESSAGES_METRIC } from './bus-metrics';
import { busTopology } from './bus-topology';
import { closeBus, connectBus } from './connect-bus';
import {
  consumeByPriority,
  DEFERRED_MESSAGES_METRIC,
  type ConsumeByPriorityOptions,
  type PriorityMessageContext,
  type PriorityTierConsumer,
} from './consume-by-priority';
import type { HandlerResult } from './consume-durable';
import { BusConsumerNotFoundError, ConsumerConfigConflictError, InvalidConsumerOptionsError, ProvisioningFailedError } from './errors';
import { ensurePriorityConsumers, retireDurableConsumer } from './priority-consumers';
import { publishSyncCommand } from './publish-sync-command';
import { installTestMeter, LEVEL, recordingLogger, sampleSyncCommand } from './testing/bus-test-support';

const meter = installTestMeter();
const n = testNames('prio');
const { logger, entries } = recordingLogger();
const streams: string[] = [];
let nc: NatsConnection;
let js: JetStreamClient;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PRIORITY_OF: Record<PriorityTier, number> = { p10: 10, p5: 5, p3: 3, p0: 0 };

interface Lane {
  label: string;
  prefix: string;
  stream: string;
  tiers: PriorityTierConsumer[];
}

/** A work-queue stream of its own with one durable per tier: tier consumers of one stream cannot overlap. */
async function lane(label: string, limits: { ackWaitMs?: number; maxDeliver?: number } = {}): Promise<Lane> {
  const prefix = `${n.subjectPrefix}_${label}`;
  const stream = `${n.commandsStream}_${label.toUpperCase()}`;
  const topology = busTopology({ prefix, eventsStream: `${stream}_EVT`, commandsStream: stream, eventsMaxAgeMs: 3_600_000 });
  await (await jetstreamManager(nc)).streams.add(topology.commands);
  streams.push(stream);
  const tiers = PRIORITY_TIERS.map((tier) => ({ name: tier, durable: `${label}-${tier}`, filterSubject: syncCommandSubject(prefix, tier) }));
  await ensurePriorityConsumers(nc, { stream, tiers, ackWaitMs: limits.ackWaitMs ?? 30_000, maxAckPending: 1_000, maxDeliver: limits.maxDeliver ?? 20 });
  return { label, prefix, stream, tiers };
}

function command(tier: PriorityTier, source = 'orders'): SyncCommand {
  return { ...sampleSyncCommand(PRIORITY_OF[tier]), source };
}

async function publish(l: Lane, tier: PriorityTier, source = 'orders'): Promise<SyncCommand> {
  const cmd = command(tier, source);
  await publishSyncCommand(js, l.prefix, cmd);
  return cmd;
}

function consume(l: Lane, options: Partial<ConsumeByPriorityOptions<SyncCommand>> & Pick<ConsumeByPriorityOptions<SyncCommand>, 'handler'>) {
  return consumeByPriority({ nc, stream: l.stream, tiers: l.tiers, schema: syncCommandSchema, logger, concurrency: 1, ...options });
}

async function tierInfo(l: Lane, tier: PriorityTier) {
  return (await jetstreamManager(nc)).consumers.info(l.stream, `${l.label}-${tier}`);
}

async function streamMessages(l: Lane): Promise<number> {
  return (await (await jetstreamManager(nc)).streams.info(l.stream)).state.messages;
}

beforeAll(async () => {
  nc = await connectBus({ servers: TEST_NATS_URL, name: 'bus-consume-by-priority-test', logger });
  js = jetstream(nc);
});

afterAll(async () => {
  await deleteStreams(streams);
  await closeBus(nc);
});

describe('consumeByPriority', () => {
  it('starts a p10 message after at most the running handlers, not behind 10,000 queued p3 messages', async () => {
    const l = await lane('backlog');
    const BACKLOG = 10_000;
    const base = sampleSyncCommand(3);
    const subject = syncCommandSubject(l.prefix, 'p3');
    for (let i = 0; i < BACKLOG; i += 1_000) {
      await Promise.all(
        Array.from({ length: Math.min(1_000, BACKLOG - i) }, () =>
          js.publish(subject, JSON.stringify({ ...base, commandId: randomUUID(), jobId: randomUUID() })),
        ),
      );
    }
    expect(await streamMessages(l)).toBe(BACKLOG);

    const starts: Array<{ tier: string; at: number; jobId: string }> = [];
    let running = 0;
    let maxRunning = 0;
    const handle = await consume(l, {
      concurrency: 2,
      handler: async (cmd, ctx) => {
        starts.push({ tier: ctx.tier, at: performance.now(), jobId: cmd.jobId });
        maxRunning = Math.max(maxRunning, ++running);
        if (ctx.tier === 'p3') await sleep(5);
        running--;
        return { ack: true };
      },
    });
    await waitFor(() => starts.length >= 100, { message: 'the backlog to be under way' });

    const urgent = command('p10');
    const published = performance.now();
    await publishSyncCommand(js, l.prefix, urgent);
    const acked = performance.now();
    const started = await waitFor(() => starts.find((s) => s.jobId === urgent.jobId), { message: 'the p10 message to start' });
    const latencyMs = started.at - published;
    const p3StartedMeanwhile = starts.filter((s) => s.tier === 'p3' && s.at > acked && s.at < started.at).length;
    await handle.stop();

    // The backlog alone would take 10,000 × 5 ms / 2 = 25 s; the p10 waits for one running handler.
    expect(latencyMs).toBeLessThan(100);
    expect(p3StartedMeanwhile).toBeLessThanOrEqual(2);
    expect(maxRunning).toBeLessThanOrEqual(2);
    expect(await streamMessages(l)).toBeGreaterThan(BACKLOG - starts.length - 10);
    expect(await streamMessages(l)).toBeGreaterThan(BACKLOG / 2);
    logger.info({ latencyMs, p3StartedMeanwhile, handled: starts.length }, 'p10 behind the backlog');
  });

  it('takes tiers in strict order, several messages per pull when slots are free', async () => {
    const l = await lane('order');
    for (const tier of ['p0', 'p3', 'p5', 'p10'] as const) for (let i = 0; i < 4; i++) await publish(l, tier);
    const order: string[] = [];
    const handle = await consume(l, {
      concurrency: 3,
      handler: async (_cmd, ctx) => {
        order.push(ctx.tier);
        await sleep(20);
        return { ack: true };
      },
    });
    await waitFor(() => order.length === 16, { message: 'all 16 handled' });
    await handle.stop();
    expect(order).toEqual([...Array(4).fill('p10'), ...Array(4).fill('p5'), ...Array(4).fill('p3'), ...Array(4).fill('p0')]);
    expect(await streamMessages(l)).toBe(0);
  });

  it('starts a message arriving on an idle worker promptly: the top tier at once, a lower tier within idlePollMs', async () => {
    const l = await lane('idle');
    const started = new Map<string, number>();
    const handle = await consume(l, { concurrency: 2, idlePollMs: 250, handler: (cmd) => {
        started.set(cmd.jobId, performance.now());
        return { ack: true };
      },
    });
    await sleep(100);
    const latency: Record<string, number[]> = { p10: [], p0: [] };
    for (let i = 0; i < 6; i++) {
      for (const tier of ['p10', 'p0'] as const) {
        await sleep(37 * i); // land at different points of the long poll
        const cmd = command(tier);
        const at = performance.now();
        await publishSyncCommand(js, l.prefix, cmd);
        const startedAt = await waitFor(() => started.get(cmd.jobId), { intervalMs: 5, message: `${tier} start` });
        latency[tier]!.push(startedAt - at);
      }
    }
    await handle.stop();
    expect(Math.max(...latency['p10']!)).toBeLessThan(100);
    expect(Math.max(...latency['p0']!)).toBeLessThan(250 + 100);
    logger.info({ latency }, 'idle latency');
  });

  it('terminates invalid messages per tier, counts them under the tier durable, and keeps going', async () => {
    const l = await lane('invalid', { ackWaitMs: 1_000 });
    const notJson = await js.publish(syncCommandSubject(l.prefix, 'p5'), '{"type": oops');
    const notACommand = await js.publish(syncCommandSubject(l.prefix, 'p3'), JSON.stringify({ type: 'sync.requested', priority: 99 }));
    const valid = await publish(l, 'p0');
    const seen: string[] = [];
    const handle = await consume(l, {
      concurrency: 2,
      handler: (cmd) => {
        seen.push(cmd.jobId);
        return { ack: true };
      },
    });
    await waitFor(() => seen.length === 1, { message: 'the valid command' });
    await sleep(1_500); // past the ack wait: nothing comes back
    await handle.stop();

    expect(seen).toEqual([valid.jobId]);
    const warnings = entries.filter((e) => e.level === LEVEL.warn && e.msg === 'terminated invalid message' && e['stream'] === l.stream);
    expect(warnings).toHaveLength(2);
    expect(warnings.find((w) => w['tier'] === 'p5')).toMatchObject({ streamSequence: notJson.seq, reason: expect.stringMatching(/^invalid JSON/) as unknown });
    expect(warnings.find((w) => w['tier'] === 'p3')).toMatchObject({ streamSequence: notACommand.seq, reason: expect.stringMatching(/^schema validation failed/) as unknown });
    expect(await meter.sum(INVALID_MESSAGES_METRIC, { stream: l.stream, consumer: 'invalid-p5' })).toBe(1);
    expect(await meter.sum(INVALID_MESSAGES_METRIC, { stream: l.stream, consumer: 'invalid-p3' })).toBe(1);
    for (const tier of PRIORITY_TIERS) expect((await tierInfo(l, tier)).num_ack_pending).toBe(0);
    expect(await streamMessages(l)).toBe(0);
  });

  it('follows the handler like consumeDurable: nak redelivers after its delay, term drops, a throw naks with backoff', async () => {
    const l = await lane('decide');
    const later = await publish(l, 'p10');
    const drop = await publish(l, 'p5');
    const boom = await publish(l, 'p3');
    const calls: Array<{ jobId: string; deliveryCount: number; at: number }> = [];
    const handle = await consume(l, {
      concurrency: 2,
      handler: (cmd, ctx): HandlerResult => {
        calls.push({ jobId: cmd.jobId, deliveryCount: ctx.deliveryCount, at: Date.now() });
        if (cmd.jobId === drop.jobId) return { term: 'not wanted' };
        if (cmd.jobId === boom.jobId && ctx.deliveryCount === 1) throw new Error('database down');
        if (cmd.jobId === later.jobId && ctx.deliveryCount === 1) return { nak: 50 };
        return { ack: true };
      },
    });
    await waitFor(() => calls.filter((c) => c.jobId === boom.jobId).length === 2, { message: 'the thrown one redelivered' });
    await waitFor(async () => (await streamMessages(l)) === 0, { message: 'queue empty' });
    await handle.stop();
    const of = (id: string) => calls.filter((c) => c.jobId === id);
    expect(of(later.jobId).map((c) => c.deliveryCount)).toEqual([1, 2]);
    expect(of(drop.jobId)).toHaveLength(1);
    const [first, second] = of(boom.jobId);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(900); // nakDelayMs(1) = 1 s
    expect(entries.some((e) => e.msg === 'handler terminated message' && e['reason'] === 'not wanted')).toBe(true);
    expect(entries.find((e) => e.msg === 'handler failed; redelivering after backoff' && e['stream'] === l.stream)).toMatchObject({ tier: 'p3', nakDelayMs: 1_000 });
  });

  it('bounds concurrency overall and per key; a message whose key is busy is deferred, not started', async () => {
    const l = await lane('perkey');
    const published = [
      ...(await Promise.all([0, 1, 2, 3].map(() => publish(l, 'p5', 'alpha')))),
      ...(await Promise.all([0, 1, 2, 3].map(() => publish(l, 'p5', 'beta')))),
      ...(await Promise.all([0, 1].map(() => publish(l, 'p5', 'gamma')))),
    ];
    const perKey = new Map<string, number>();
    let running = 0;
    let maxRunning = 0;
    let maxPerKey = 0;
    const handled: Array<{ jobId: string; ctx: PriorityMessageContext }> = [];
    const handle = await consume(l, {
      concurrency: 3,
      keyOf: (cmd) => `${cmd.tenant}/${cmd.source}`,
      maxPerKey: 1,
      keyBusyDelayMs: 100,
      handler: async (cmd, ctx) => {
        const key = cmd.source;
        perKey.set(key, (perKey.get(key) ?? 0) + 1);
        maxPerKey = Math.max(maxPerKey, perKey.get(key)!);
        maxRunning = Math.max(maxRunning, ++running);
        await sleep(80);
        running--;
        perKey.set(key, perKey.get(key)! - 1);
        handled.push({ jobId: cmd.jobId, ctx });
        return { ack: true };
      },
    });
    await waitFor(() => handled.length === published.length, { message: 'all handled' });
    await handle.stop();
    expect(maxPerKey).toBe(1);
    expect(maxRunning).toBeLessThanOrEqual(3);
    expect(new Set(handled.map((h) => h.jobId)).size).toBe(published.length);
    // Deferrals are deliveries: the handler sees them in deliveryCount.
    expect(handled.some((h) => h.ctx.deliveryCount > 1)).toBe(true);
    expect(await meter.sum(DEFERRED_MESSAGES_METRIC, { stream: l.stream, consumer: 'perkey-p5' })).toBeGreaterThan(0);
    expect(await streamMessages(l)).toBe(0);
  });

  it('stop() waits for the running handler, hands back what arrives after it, and a new worker takes that at once', async () => {
    const l = await lane('stop');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen: Array<{ jobId: string; deliveryCount: number }> = [];
    const first = await publish(l, 'p5');
    const handle = await consume(l, {
      concurrency: 2,
      idlePollMs: 1_000,
      handler: async (cmd, ctx) => {
        seen.push({ jobId: cmd.jobId, deliveryCount: ctx.deliveryCount });
        await gate;
        return { ack: true };
      },
    });
    await waitFor(() => seen.length === 1, { message: 'first handler running' });
    await sleep(100); // the free slot is now long-polling the top tier

    let stopped = false;
    const stopping = handle.stop().then(() => (stopped = true));
    const late = await publish(l, 'p10'); // lands in the open long poll: pulled, never started
    await sleep(300);
    expect(stopped).toBe(false);
    expect(seen.map((s) => s.jobId)).toEqual([first.jobId]);
    release();
    await stopping;
    await handle.stop(); // idempotent
    await expect(handle.closed).resolves.toBeUndefined();
    expect((await tierInfo(l, 'p5')).num_ack_pending).toBe(0);

    const next = await consume(l, {
      handler: (cmd, ctx) => {
        seen.push({ jobId: cmd.jobId, deliveryCount: ctx.deliveryCount });
        return { ack: true };
      },
    });
    const redelivered = await waitFor(() => seen.find((s) => s.jobId === late.jobId), { timeoutMs: 5_000, message: 'the handed-back message (ack wait is 30 s)' });
    expect(redelivered.deliveryCount).toBe(2);
    await next.stop();
    expect(await streamMessages(l)).toBe(0);
  });

  it('keeps the other tiers going while a tier consumer is gone, and picks it up again once it is back', async () => {
    const l = await lane('gone');
    const seen: string[] = [];
    const handle = await consume(l, {
      concurrency: 2,
      requestTimeoutMs: 300,
      handler: (cmd) => {
        seen.push(cmd.jobId);
        return { ack: true };
      },
    });
    const jsm = await jetstreamManager(nc);
    await jsm.consumers.delete(l.stream, 'gone-p5');
    const queued = await publish(l, 'p5'); // no consumer takes it for now
    const urgent = await publish(l, 'p10');
    const background = await publish(l, 'p3');
    await waitFor(() => seen.includes(urgent.jobId) && seen.includes(background.jobId), { message: 'p10 and p3 handled without p5' });
    await waitFor(() => entries.some((e) => e.msg === 'consumer or stream not found; retrying' && e['durable'] === 'gone-p5'), {
      message: 'the missing consumer reported',
    });
    expect(seen).not.toContain(queued.jobId);

    await ensurePriorityConsumers(nc, { stream: l.stream, tiers: [l.tiers[1]!], ackWaitMs: 30_000, maxAckPending: 1_000, maxDeliver: 20 });
    await waitFor(() => seen.includes(queued.jobId), { message: 'the p5 command once its consumer is back' });
    await handle.stop();
    await expect(handle.closed).resolves.toBeUndefined();
  });

  it('refuses overlapping tiers, a missing durable and a durable with another filter', async () => {
    const l = await lane('refuse');
    const base = { nc, stream: l.stream, schema: syncCommandSchema, logger, concurrency: 1, handler: () => ({ ack: true }) as const };
    const wildcard = { name: 'all', durable: 'refuse-all', filterSubject: allSyncCommandsSubject(l.prefix) };
    await expect(consumeByPriority({ ...base, tiers: [l.tiers[0]!, wildcard] })).rejects.toBeInstanceOf(InvalidConsumerOptionsError);
    await expect(consumeByPriority({ ...base, tiers: [{ ...l.tiers[0]!, durable: 'ghost' }] })).rejects.toBeInstanceOf(BusConsumerNotFoundError);
    await expect(consumeByPriority({ ...base, tiers: [{ ...l.tiers[0]!, filterSubject: syncCommandSubject(l.prefix, 'p5') }] })).rejects.toBeInstanceOf(
      ConsumerConfigConflictError,
    );
    await expect(consumeByPriority({ ...base, tiers: l.tiers, concurrency: 0 })).rejects.toBeInstanceOf(InvalidConsumerOptionsError);
  });
});

describe('retireDurableConsumer', () => {
  it('deletes the single consumer over every tier that would block the tier consumers, and only that', async () => {
    const prefix = `${n.subjectPrefix}_retire`;
    const stream = `${n.commandsStream}_RETIRE`;
    await (await jetstreamManager(nc)).streams.add(busTopology({ prefix, eventsStream: `${stream}_EVT`, commandsStream: stream, eventsMaxAgeMs: 3_600_000 }).commands);
    streams.push(stream);
    const jsm = await jetstreamManager(nc);
    await jsm.consumers.add(stream, { durable_name: 'legacy', ack_policy: AckPolicy.Explicit, filter_subject: allSyncCommandsSubject(prefix), ack_wait: nanos(30_000) });
    const tiers = PRIORITY_TIERS.map((tier) => ({ name: tier, durable: `retire-${tier}`, filterSubject: syncCommandSubject(prefix, tier) }));
    const limits = { stream, tiers, ackWaitMs: 30_000, maxAckPending: 100, maxDeliver: 5 };
    // A work-queue stream refuses a consumer overlapping another.
    await expect(ensurePriorityConsumers(nc, limits)).rejects.toBeInstanceOf(ProvisioningFailedError);

    expect(await retireDurableConsumer(nc, { stream, durable: 'legacy', filterSubject: syncCommandSubject(prefix, 'p5') })).toEqual({
      outcome: 'kept',
      filterSubject: allSyncCommandsSubject(prefix),
    });
    expect(await retireDurableConsumer(nc, { stream, durable: 'legacy', filterSubject: allSyncCommandsSubject(prefix) })).toMatchObject({ outcome: 'deleted' });
    expect(await retireDurableConsumer(nc, { stream, durable: 'legacy', filterSubject: allSyncCommandsSubject(prefix) })).toEqual({ outcome: 'absent' });
    expect(await ensurePriorityConsumers(nc, limits)).toEqual({ p10: 'created', p5: 'created', p3: 'created', p0: 'created' });
    expect(await ensurePriorityConsumers(nc, limits)).toEqual({ p10: 'unchanged', p5: 'unchanged', p3: 'unchanged', p0: 'unchanged' });
  });
});
