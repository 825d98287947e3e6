// Runs a handler over several durable pull consumers of one stream — one per priority
// tier, highest first — with at most `concurrency` handlers at a time. Whenever a slot is
// free the worker takes the next message from the highest tier that has one (strict
// priority), so an urgent message waits for at most the handlers already running, never
// behind a lower tier's backlog.
//
// How it pulls (see pull-mux.ts for the server's side):
//   - Only into free slots. A sweep asks each tier in turn, top first, with a `no_wait` pull
//     for as many messages as there are free slots, and starts each one as it arrives; a
//     tier is left only when it answers with fewer than asked. Nothing is pulled that
//     cannot start at once, so no message sits in a buffer while its ack wait runs.
//   - When every slot is taken it pulls nothing and waits for a handler to finish.
//   - When a sweep finds every tier empty it long-polls the top tier for `idlePollMs`
//     (`no_wait` + expiry: it ends as soon as a message is delivered): a top-tier message
//     starts within a round trip, and the lower tiers are looked at again when the poll
//     ends. That is the latency this adds: a lower-tier message arriving while the worker
//     is idle waits at most `idlePollMs` plus one sweep (well under 1 ms per tier locally).
//     Idle, the worker sends one long poll and tiers − 1 empty pulls per `idlePollMs`.
//
// Measured against nats-server 2.9.10 on loopback (consume-by-priority.int.spec.ts):
//   - p10 behind 10,000 queued p3 messages, concurrency 2, 5 ms handlers: started 1-8 ms
//     after its publish began, no p3 message started in between (the backlog: ≈ 30 s);
//   - idle worker, idlePollMs 250: p10 starts in 1-2 ms (up to 9 ms on the first), p0 in
//     1-248 ms depending on where the long poll was;
//   - throughput with only the third tier busy (three pulls per start): 312 starts/s
//     against 387/s for bare 5 ms timers, i.e. ≈ 0.6 ms per message.
//
// Per message it behaves like consumeDurable: an invalid message is terminated, logged and
// counted (metric label = the tier's durable); the handler's result acks, naks after a
// delay or terminates; a handler that throws gets a nak with capped exponential backoff;
// `working()` resets the ack wait.
//
// Per-key bound (`keyOf` + `maxPerKey`): a message whose key already has `maxPerKey`
// handlers running in this worker is not started; it is nak'ed with `keyBusyDelayMs` and
// counted in freshet_bus_deferred_messages_total. JetStream counts that as a delivery, so
// ctx.deliveryCount includes such deferrals: a handler that limits its own retries must
// count attempts itself (ingest counts its job's job.started events), and the consumer's
// max_deliver must leave room for deferrals. The bound is per worker; across replicas the
// handler needs its own guard (ingest's source lock). So that a pile of one key cannot
// spin the loop, a sweep defers at most DEFERRALS_PER_TIER_PER_SWEEP messages per tier
// before moving on, and a sweep or long poll that only deferred is followed by a pause of
// up to `idlePollMs` (cut short when a handler finishes).
//
// Set each tier consumer's max_ack_pending well above concurrency × replicas (messages
// waiting out a nak delay count too): the worker bounds concurrency itself, and a
// consumer at its limit only makes the server ignore pulls.
//
// A pull the server does not answer (the consumer deleted, or at max_ack_pending) is given
// up after `requestTimeoutMs`; the tier is then skipped for 1 s, doubling to 30 s while it
// stays broken, and the other tiers go on. A message delivered for a pull already given up
// is handed back at once.
//
// stop() stops pulling, nak's (without delay) anything delivered after that, and waits for
// the running handlers — and for an open pull, at most `idlePollMs` (or `requestTimeoutMs`).
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { ConsumerInfo, JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { metrics } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { ZodType } from 'zod';
import { BUS_METER_NAME, invalidMessagesCounter } from './bus-metrics';
import type { ConsumerHandle } from './consume-loop';
import type { DurableMessageContext, HandlerResult } from './consume-durable';
import { decodeMessage } from './decode-message';
import {
  BusConsumerNotFoundError,
  BusStreamNotFoundError,
  ConsumerConfigConflictError,
  ConsumerLoopError,
  InvalidConsumerOptionsError,
} from './errors';
import { API_CODES, isApiError } from './jetstream-api-errors';
import { headersToRecord } from './message-headers';
import { nakDelayMs } from './nak-backoff';
import { PullMux, type PullEnd } from './pull-mux';
import type { PulledMessage } from './pulled-message';
import { subjectsOverlap } from './subject-overlap';
import { settleResult } from './settle-result';
import { inBusSpan, noteOutcome, processSpan } from './bus-tracing';
import { traceContextFromHeaders } from './trace-context';
import { terminateMessage } from './terminate-message';

export const DEFERRED_MESSAGES_METRIC = 'freshet_bus_deferred_messages_total';

/** Defaults of the tuning options. */
export const PRIORITY_CONSUMER_DEFAULTS = {
  maxPerKey: 1,
  keyBusyDelayMs: 1_000,
  idlePollMs: 250,
  requestTimeoutMs: 2_000,
} as const;

/** Key-busy deferrals per tier per sweep before the worker pauses, so a pile of one key cannot spin the loop. */
export const DEFERRALS_PER_TIER_PER_SWEEP = 32;

const TROUBLE_BACKOFF_BASE_MS = 1_000;
const TROUBLE_BACKOFF_MAX_MS = 30_000;

export interface PriorityTierConsumer {
  /** The tier's label in logs and in the handler's context, e.g. "p10". */
  name: string;
  durable: string;
  /** The durable's filter; tiers must not overlap (a work-queue stream refuses overlapping consumers). */
  filterSubject: string;
}

export interface PriorityMessageContext extends DurableMessageContext {
  /** Name of the tier the message came from. */
  tier: string;
}

export type PriorityHandler<T> = (data: T, ctx: PriorityMessageContext) => Promise<HandlerResult> | HandlerResult;

export interface ConsumeByPriorityOptions<T> {
  nc: NatsConnection;
  stream: string;
  /** Highest priority first. Every durable must exist (ensurePriorityConsumers). */
  tiers: readonly PriorityTierConsumer[];
  schema: ZodType<T>;
  logger: Logger;
  handler: PriorityHandler<T>;
  /** Handlers running at once, across all tiers. */
  concurrency: number;
  /** Groups messages for maxPerKey, e.g. by upstream or tenant/source. */
  keyOf?: (data: T) => string;
  /** Handlers running at once per key (default 1); only with keyOf. */
  maxPerKey?: number;
  /** Redelivery delay of a message whose key is at its limit (default 1 s). */
  keyBusyDelayMs?: number;
  /** Long-poll length on the top tier while all tiers are empty: the bound on a lower tier's added latency (default 250 ms). */
  idlePollMs?: number;
  /** How long to wait for the server to answer a pull before checking on the consumer (default 2 s). */
  requestTimeoutMs?: number;
  /** Label for logs; defaults to the durables joined with ','. */
  name?: string;
}

interface TierState {
  tier: PriorityTierConsumer;
  maxDeliver: number;
  suspendedUntil: number;
  troubles: number;
}

type Dispatched = 'started' | 'deferred' | 'dropped';

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new InvalidConsumerOptionsError(`${name} must be a positive integer, got ${value}`);
  return value;
}

function validateTiers(tiers: readonly PriorityTierConsumer[]): void {
  if (tiers.length === 0) throw new InvalidConsumerOptionsError('at least one tier is needed');
  for (const [field, values] of [['name', tiers.map((t) => t.name)], ['durable', tiers.map((t) => t.durable)]] as const) {
    const seen = new Set<string>();
    for (const value of values) {
      if (seen.has(value)) throw new InvalidConsumerOptionsError(`tier ${field} ${JSON.stringify(value)} appears twice`);
      seen.add(value);
    }
  }
  tiers.forEach((a, i) =>
    tiers.slice(i + 1).forEach((b) => {
      if (subjectsOverlap(a.filterSubject, b.filterSubject)) {
        throw new InvalidConsumerOptionsError(
          `tiers ${JSON.stringify(a.name)} (${a.filterSubject}) and ${JSON.stringify(b.name)} (${b.filterSubject}) overlap`,
        );
      }
    }),
  );
}

async function tierInfo(jsm: JetStreamManager, stream: string, tier: PriorityTierConsumer): Promise<ConsumerInfo> {
  let info: ConsumerInfo;
  try {
    info = await jsm.consumers.info(stream, tier.durable);
  } catch (error) {
    if (isApiError(error, API_CODES.streamNotFound)) throw new BusStreamNotFoundError(stream, { cause: error });
    if (isApiError(error, API_CODES.consumerNotFound)) throw new BusConsumerNotFoundError(stream, tier.durable, { cause: error });
    throw error;
  }
  const filter = info.config.filter_subject ?? '';
  if (filter !== tier.filterSubject) {
    throw new ConsumerConfigConflictError(stream, tier.durable, [
      { field: 'filter_subject', existing: JSON.stringify(filter), wanted: JSON.stringify(tier.filterSubject), updatable: false },
    ]);
  }
  if (info.config.deliver_subject !== undefined && info.config.deliver_subject !== '') {
    throw new ConsumerConfigConflictError(stream, tier.durable, [
      { field: 'deliver_subject', existing: JSON.stringify(info.config.deliver_subject), wanted: '(unset: a pull consumer)', updatable: false },
    ]);
  }
  return info;
}

export async function consumeByPriority<T>(options: ConsumeByPriorityOptions<T>): Promise<ConsumerHandle> {
  const { nc, stream, tiers, schema, handler, keyOf } = options;
  validateTiers(tiers);
  const concurrency = positiveInt('concurrency', options.concurrency);
  const maxPerKey = positiveInt('maxPerKey', options.maxPerKey ?? PRIORITY_CONSUMER_DEFAULTS.maxPerKey);
  const keyBusyDelayMs = positiveInt('keyBusyDelayMs', options.keyBusyDelayMs ?? PRIORITY_CONSUMER_DEFAULTS.keyBusyDelayMs);
  const idlePollMs = positiveInt('idlePollMs', options.idlePollMs ?? PRIORITY_CONSUMER_DEFAULTS.idlePollMs);
  const requestTimeoutMs = positiveInt('requestTimeoutMs', options.requestTimeoutMs ?? PRIORITY_CONSUMER_DEFAULTS.requestTimeoutMs);
  const label = options.name ?? tiers.map((t) => t.durable).join(',');
  const log = options.logger.child({ stream, consumer: label });
  const invalidCounter = invalidMessagesCounter();
  const deferredCounter = metrics.getMeter(BUS_METER_NAME).createCounter(DEFERRED_MESSAGES_METRIC, {
    description: 'Messages a bus consumer handed back unstarted because their key was at its concurrency limit',
  });

  const jsm = await jetstreamManager(nc);
  const states: TierState[] = [];
  for (const tier of tiers) {
    const info = await tierInfo(jsm, stream, tier);
    states.push({ tier, maxDeliver: info.config.max_deliver ?? -1, suspendedUntil: 0, troubles: 0 });
  }
  const top = states[0]!;

  let stopping = false;
  const halted = () => stopping || nc.isClosed() || nc.isDraining();
  let running = 0;
  const perKey = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  const free = () => concurrency - running;

  // The loop is the only waiter: a handler finishing (or stop) wakes it.
  let wake: (() => void) | undefined;
  const signal = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const changed = (timeoutMs?: number) =>
    new Promise<void>((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        if (wake === done) wake = undefined;
        resolve();
      }
      wake = done;
    });

  const mux = new PullMux(
    nc,
    jetstream(nc).apiPrefix,
    stream,
    (late) => {
      log.debug({ subject: late.subject, streamSequence: late.seq }, 'message arrived for a finished pull; handing it back');
      settleSafely(late, () => late.nak());
    },
    (error) => log.error({ err: error }, 'pull subscription failed'),
  );

  function settleSafely(msg: PulledMessage, settle: () => void): void {
    try {
      settle();
    } catch (error) {
      // Only the connection closing mid-way lands here; the ack wait brings the message back.
      log.error({ err: error, subject: msg.subject, streamSequence: msg.seq }, 'could not settle message');
    }
  }

  function settle(msg: PulledMessage, result: HandlerResult, where: Record<string, unknown>): void {
    settleResult(nc, log, msg, result, where);
  }


  async function runHandler(state: TierState, msg: PulledMessage, data: T, where: Record<string, unknown>): Promise<void> {
    const ctx: PriorityMessageContext = {
      subject: msg.subject,
      streamSequence: msg.seq,
      deliveryCount: msg.info.deliveryCount,
      headers: headersToRecord(msg.headers),
      tier: state.tier.name,
      working: () => settleSafely(msg, () => msg.working()),
    };
    let result: HandlerResult;
    try {
      // In the message's trace when it names one (a job keeps its refresh's trace): the handler's own calls join it.
      result = await inBusSpan(processSpan(state.tier.durable, msg.subject, traceContextFromHeaders(ctx.headers), ctx), async (_ctx, span) => {
        const answer = await handler(data, ctx);
        noteOutcome(span, answer);
        return answer;
      });
    } catch (error) {
      const delayMs = nakDelayMs(ctx.deliveryCount);
      const lastDelivery = state.maxDeliver > 0 && ctx.deliveryCount >= state.maxDeliver;
      log.error(
        { ...where, err: error, nakDelayMs: delayMs, maxDeliver: state.maxDeliver },
        lastDelivery ? 'handler failed on the last allowed delivery; the server will not redeliver' : 'handler failed; redelivering after backoff',
      );
      settleSafely(msg, () => msg.nak(delayMs));
      return;
    }
    try {
      settle(msg, result, where);
    } catch (error) {
      log.error({ ...where, err: error }, 'could not settle message');
    }
  }

  /** Called for every delivered message, synchronously from the pull's subscription. */
  function dispatch(state: TierState, msg: PulledMessage): Dispatched {
    const where = { tier: state.tier.name, subject: msg.subject, streamSequence: msg.seq, deliveryCount: msg.info.deliveryCount };
    if (stopping || free() <= 0) {
      // Pulled but not startable (stopping, or a late delivery of a given-up pull): let any worker take it now.
      settleSafely(msg, () => msg.nak());
      return 'dropped';
    }
    const decoded = decodeMessage(msg.data, schema);
    if (!decoded.ok) {
      settleSafely(msg, () => terminateMessage(nc, msg, decoded.reason));
      log.warn({ ...where, reason: decoded.reason }, 'terminated invalid message');
      invalidCounter.add(1, { stream, consumer: state.tier.durable });
      return 'dropped';
    }
    let key: string | undefined;
    if (keyOf !== undefined) {
      try {
        key = keyOf(decoded.data);
      } catch (error) {
        const delayMs = nakDelayMs(msg.info.deliveryCount);
        log.error({ ...where, err: error, nakDelayMs: delayMs }, 'keyOf failed; redelivering after backoff');
        settleSafely(msg, () => msg.nak(delayMs));
        return 'dropped';
      }
      if ((perKey.get(key) ?? 0) >= maxPerKey) {
        settleSafely(msg, () => msg.nak(keyBusyDelayMs));
        deferredCounter.add(1, { stream, consumer: state.tier.durable });
        log.debug({ ...where, key, delayMs: keyBusyDelayMs }, 'key at its concurrency limit; deferred');
        return 'deferred';
      }
      perKey.set(key, (perKey.get(key) ?? 0) + 1);
    }
    running++;
    const task: Promise<void> = Promise.resolve()
      .then(() => runHandler(state, msg, decoded.data, where))
      .catch((error: unknown) => log.error({ ...where, err: error }, 'handler task failed'))
      .finally(() => {
        running--;
        if (key !== undefined) {
          const left = (perKey.get(key) ?? 1) - 1;
          if (left > 0) perKey.set(key, left);
          else perKey.delete(key);
        }
        inFlight.delete(task);
        signal();
      });
    inFlight.add(task);
    return 'started';
  }

  const suspended = (state: TierState) => state.suspendedUntil > Date.now();

  async function trouble(state: TierState, end: PullEnd | { kind: 'error'; error: unknown }): Promise<void> {
    const delayMs = Math.min(TROUBLE_BACKOFF_BASE_MS * 2 ** Math.min(state.troubles, 10), TROUBLE_BACKOFF_MAX_MS);
    state.troubles++;
    state.suspendedUntil = Date.now() + delayMs;
    const where = { tier: state.tier.name, durable: state.tier.durable, retryInMs: delayMs };
    if (end.kind === 'status') {
      log.warn({ ...where, code: end.code, description: end.description }, 'pull refused by the server');
    } else if (end.kind === 'error') {
      log.warn({ ...where, err: end.error }, 'pull failed');
    } else if (end.kind === 'no-answer') {
      // The server stays silent when the consumer is gone or at max_ack_pending: find out which.
      try {
        const info = await jsm.consumers.info(stream, state.tier.durable);
        const limit = info.config.max_ack_pending ?? -1;
        if (limit > 0 && info.num_ack_pending >= limit) {
          log.warn({ ...where, maxAckPending: limit }, 'consumer at max_ack_pending: pulls wait for acks; raise max_ack_pending above concurrency × replicas');
        } else {
          log.warn(where, 'pull got no answer');
        }
      } catch (error) {
        if (isApiError(error, API_CODES.consumerNotFound) || isApiError(error, API_CODES.streamNotFound)) {
          log.warn({ ...where, err: error }, 'consumer or stream not found; retrying');
        } else {
          log.warn({ ...where, err: error }, 'pull got no answer and the consumer could not be checked');
        }
      }
    }
  }

  /** One pull from a tier; every message is dispatched as it arrives. */
  async function pullFrom(state: TierState, batch: number, expiresMs?: number): Promise<{ started: number; deferred: number; filled: boolean }> {
    let started = 0;
    let deferred = 0;
    let end: PullEnd;
    try {
      ({ end } = await mux.pull({
        durable: state.tier.durable,
        batch,
        expiresMs,
        guardMs: requestTimeoutMs,
        onMessage: (msg) => {
          const dispatched = dispatch(state, msg);
          if (dispatched === 'started') started++;
          else if (dispatched === 'deferred') deferred++;
        },
      }));
    } catch (error) {
      if (!halted()) await trouble(state, { kind: 'error', error });
      return { started, deferred, filled: false };
    }
    if (end.kind === 'no-answer' || end.kind === 'status') await trouble(state, end);
    else if (end.kind !== 'closed') state.troubles = 0;
    return { started, deferred, filled: end.kind === 'filled' };
  }

  /**
   * Top tier first, each until it runs dry or the slots are full. After a full pull on a
   * lower tier the sweep starts again from the top: handlers that finish within a pull's
   * round trip would otherwise keep slots free and the sweep would drain a low tier while
   * a higher one waits.
   */
  async function sweep(): Promise<'full' | 'blocked' | 'empty' | 'again'> {
    let blocked = false;
    for (const state of states) {
      let deferred = 0;
      while (!halted() && free() > 0 && !suspended(state)) {
        const result = await pullFrom(state, free());
        deferred += result.deferred;
        if (!result.filled) break;
        if (deferred >= DEFERRALS_PER_TIER_PER_SWEEP) {
          blocked = true;
          break;
        }
        if (state !== top) return 'again';
      }
      if (halted() || free() === 0) return 'full';
    }
    return blocked ? 'blocked' : 'empty';
  }

  async function idle(): Promise<void> {
    if (suspended(top)) {
      await changed(Math.min(idlePollMs, top.suspendedUntil - Date.now()));
      return;
    }
    const result = await pullFrom(top, free(), idlePollMs);
    if (result.deferred > 0 && result.started === 0 && !halted()) await changed(idlePollMs);
  }

  async function run(): Promise<void> {
    try {
      while (!halted()) {
        if (free() === 0) {
          await changed();
          continue;
        }
        const swept = await sweep();
        if (halted() || swept === 'full' || swept === 'again') continue;
        if (swept === 'blocked') await changed(idlePollMs);
        else await idle();
      }
    } finally {
      await Promise.allSettled([...inFlight]);
      mux.close();
    }
  }

  const intended = () => stopping || nc.isClosed() || nc.isDraining();
  const closed = run().then(
    () => {
      if (!intended()) throw new ConsumerLoopError(stream, label);
    },
    (error: unknown) => {
      if (!intended()) throw new ConsumerLoopError(stream, label, { cause: error });
      log.debug({ err: error }, 'priority consume loop ended while stopping');
    },
  );
  // Reported once here, so a caller that never awaits `closed` still sees it and Node sees no unhandled rejection.
  closed.catch((error: unknown) => log.error({ err: error }, 'priority consume loop ended unexpectedly'));
  log.info({ tiers: tiers.map((t) => t.name), concurrency, maxPerKey: keyOf === undefined ? undefined : maxPerKey, idlePollMs }, 'consuming by priority');

  return {
    async stop() {
      if (!stopping) {
        stopping = true;
        signal();
      }
      await closed.catch(() => undefined);
    },
    closed,
  };
}
