// The one reader of the events stream in a gateway process (decision 0011). An ordered
// consumer follows every event subject from "now"; each message is validated once,
// framed once into a Buffer, and that Buffer is handed to every connection whose channels
// carry it. Connections are indexed by tenant, then grouped by their set of channels: an
// event costs nothing for other tenants, one channel check per group (not per connection),
// and one metrics update per event — the per-delivery work is the socket write alone.
//
// The hub's position (last sequence dispatched) is the handshake with connections: a
// connection registered when the position is P receives every event after P, exactly
// once, in order. Resuming connections replay up to P on their own and take the rest here.
//
// Continuity is the hub's job too. If the consumer fails, it is recreated after the last
// dispatched sequence (never skipping, and sequences at or below it are dropped, never sent
// twice). If the stream was recreated (a new epoch) or lost the history the hub needed,
// every connection is told to reset: their positions no longer mean anything.
import { setTimeout as sleep } from 'node:timers/promises';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Meter, ObservableCallback } from '@opentelemetry/api';
import { consumeOrdered, readStreamBounds, recordBusOperation, type ConsumerHandle, type OrderedMessageMeta } from '@freshet/bus';
import { allEventsSubject, freshetEventSchema, type FreshetEvent, type StreamPosition } from '@freshet/contracts';
import { HttpProblem, type Logger } from '@freshet/telemetry';
import { lookupSource } from '../sources/source-lookup';
import { eventFrame, type EventFrame } from './event-frame';
import { recordFanout } from './fanout-tracing';
import { createKnownSources, type KnownSources } from './known-sources';
import type { ResetReason } from './sse-frame';
import { streamMetrics } from './stream-metrics';

export interface FanoutSubscriber {
  readonly tenant: string;
  /** Subscribers with equal groups have equal channels: `carries` is asked of one of them for all. */
  readonly channelGroup: string;
  /** Whether this subscriber's channels carry the event (the tenant already matched). */
  carries(event: Pick<FreshetEvent, 'tenant' | 'source' | 'type'>): boolean;
  /**
   * Called synchronously, in stream order; must not throw (a throw is logged and ignored).
   * True when the frame was written at once: the hub counts those as delivered (frames a
   * subscriber queues or holds, it counts itself when it writes them).
   */
  deliver(frame: EventFrame): boolean;
  /** The stream went on somewhere its position cannot follow: send `reset` with this position. */
  discontinuity(reason: ResetReason, position: StreamPosition): void;
}

export interface FanoutHub {
  /** Adds the subscriber and returns the position it starts after: it gets every event past it. */
  register(subscriber: FanoutSubscriber): StreamPosition;
  unregister(subscriber: FanoutSubscriber): void;
  /** Epoch of the stream followed and the last sequence dispatched. */
  position(): StreamPosition;
  subscriberCount(): number;
  /** The sources the registry confirmed, for the data-age labels (stream routes confirm the ones they looked up). */
  readonly knownSources: KnownSources;
  /** Stops the consumer. Registered subscribers stay (they close with their sockets). */
  stop(): Promise<void>;
}

export interface FanoutHubOptions {
  nc: NatsConnection;
  prefix: string;
  eventsStream: string;
  logger: Logger;
  meter: Meter;
  /** How often the stream's epoch is checked: a recreated stream is otherwise invisible to a consumer. */
  epochCheckMs?: number;
  /** First delay before re-creating a failed consumer; doubles up to 10 s. */
  restartDelayMs?: number;
  /** Whether the registry knows a source (metric labels); default: ingest's get-source RPC. */
  sourceExists?: (tenant: string, source: string) => Promise<boolean>;
}

/** Bounds of the data-age labels (known-sources.ts). */
const DATA_AGE_LABELS = { maxSources: 2_000, maxTenants: 1_000, retryAfterMs: 60_000, maxLookups: 4, lookupTimeoutMs: 2_000 };

/** The registry's answer: a 404 is "no", anything else it could not say is an error. */
function directoryLookup(nc: NatsConnection, prefix: string): (tenant: string, source: string) => Promise<boolean> {
  return async (tenant, source) => {
    try {
      await lookupSource(nc, prefix, { tenant, source }, DATA_AGE_LABELS.lookupTimeoutMs);
      return true;
    } catch (error) {
      if (error instanceof HttpProblem && error.statusCode === 404) return false;
      throw error;
    }
  };
}

const MAX_RESTART_DELAY_MS = 10_000;

class Hub implements FanoutHub {
  private epoch = '';
  private seq = 0;
  /** tenant → channel group → subscribers. */
  private readonly byTenant = new Map<string, Map<string, Set<FanoutSubscriber>>>();
  private count = 0;
  private consumer: ConsumerHandle | undefined;
  private restarting: Promise<void> | undefined;
  private stopping = false;
  private readonly stopped = new AbortController();
  private epochTimer: NodeJS.Timeout | undefined;
  private readonly log: Logger;
  private readonly metrics;
  readonly knownSources: KnownSources;
  /** Events in the stream not dispatched yet, as of the last epoch check. */
  private pending = 0;
  private readonly observePending: ObservableCallback = (result) => result.observe(this.pending);

  constructor(private readonly options: FanoutHubOptions) {
    this.log = options.logger.child({ component: 'fanout-hub', stream: options.eventsStream });
    this.metrics = streamMetrics(options.meter);
    this.metrics.fanoutPending.addCallback(this.observePending);
    this.knownSources = createKnownSources({
      ...DATA_AGE_LABELS,
      exists: options.sourceExists ?? directoryLookup(options.nc, options.prefix),
      onLookupError: (error, tenant, source) => this.log.debug({ err: error, tenant, source }, 'source lookup for metric labels failed; labelled other for now'),
    });
  }

  async start(): Promise<void> {
    const bounds = await readStreamBounds(this.options.nc, this.options.eventsStream);
    this.epoch = bounds.epoch;
    this.seq = bounds.lastSeq;
    await this.follow();
    this.epochTimer = setInterval(() => void this.checkEpoch(), this.options.epochCheckMs ?? 5_000);
    this.epochTimer.unref();
    this.log.info({ epoch: this.epoch, after: this.seq }, 'fan-out hub following the events stream');
  }

  register(subscriber: FanoutSubscriber): StreamPosition {
    let groups = this.byTenant.get(subscriber.tenant);
    if (!groups) this.byTenant.set(subscriber.tenant, (groups = new Map()));
    let group = groups.get(subscriber.channelGroup);
    if (!group) groups.set(subscriber.channelGroup, (group = new Set()));
    if (!group.has(subscriber)) this.count += 1;
    group.add(subscriber);
    return this.position();
  }

  unregister(subscriber: FanoutSubscriber): void {
    const groups = this.byTenant.get(subscriber.tenant);
    const group = groups?.get(subscriber.channelGroup);
    if (!groups || !group?.delete(subscriber)) return;
    this.count -= 1;
    if (group.size === 0) groups.delete(subscriber.channelGroup);
    if (groups.size === 0) this.byTenant.delete(subscriber.tenant);
  }

  position(): StreamPosition {
    return { epoch: this.epoch, seq: this.seq };
  }

  subscriberCount(): number {
    return this.count;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.stopped.abort();
    clearInterval(this.epochTimer);
    this.metrics.fanoutPending.removeCallback(this.observePending);
    await this.consumer?.stop();
    await this.restarting;
  }

  private dispatch(event: FreshetEvent, meta: OrderedMessageMeta): void {
    const seq = meta.streamSequence;
    // A re-created consumer may start at or before what was already sent: never twice.
    if (seq <= this.seq) return;
    this.seq = seq;
    const startedAt = performance.now();
    try {
      this.fanOut(event, meta, seq, startedAt);
    } finally {
      // One message consumed and processed by the fan-out (messaging metrics, like every bus consumer).
      recordBusOperation('process', 'gateway-fanout', (performance.now() - startedAt) / 1000, undefined);
    }
  }

  private fanOut(event: FreshetEvent, meta: OrderedMessageMeta, seq: number, startedAt: number): void {
    const groups = this.byTenant.get(event.tenant);
    if (!groups) return;
    let frame: EventFrame | undefined;
    let delivered = 0;
    let carried = 0;
    for (const group of groups.values()) {
      const first = group.values().next().value;
      if (!first?.carries(event)) continue;
      // Framed lazily: an event no connection carries is never serialized.
      frame ??= eventFrame({ epoch: this.epoch, seq }, event);
      carried += group.size;
      for (const subscriber of group) {
        try {
          if (subscriber.deliver(frame)) delivered += 1;
        } catch (error) {
          this.log.error({ err: error, seq }, 'a subscriber failed to take an event');
        }
      }
    }
    // One span per event, in the event's trace (decision 0013), never one per connection.
    if (frame) recordFanout(meta.headers, { subject: meta.subject, type: event.type, tenant: event.tenant, seq, carried, written: delivered, startedAt });
    if (delivered > 0) this.metrics.delivered.add(delivered, { tenant: this.metrics.tenantLabel(event.tenant) });
    if (frame && Number.isFinite(frame.timeMs)) {
      const seconds = Math.max(0, Date.now() - frame.timeMs) / 1000;
      this.metrics.deliveryLag.record(seconds, { mode: 'live' });
      // The freshness SLO: content events carry no separate fetch time; their `time` is
      // stamped by ingest as the page arrived from upstream, just before its commit.
      if (delivered > 0 && event.type.startsWith('content.')) this.metrics.dataAge.record(seconds, this.knownSources.labels(event.tenant, event.source));
    }
  }

  private async follow(): Promise<void> {
    const handle = await consumeOrdered({
      nc: this.options.nc,
      stream: this.options.eventsStream,
      filterSubject: allEventsSubject(this.options.prefix),
      startSequence: this.seq + 1,
      schema: freshetEventSchema,
      logger: this.log,
      name: 'gateway-fanout',
      onMessage: (event, meta) => this.dispatch(event, meta),
    });
    this.consumer = handle;
    // `closed` resolves on an intended end (stop, connection closed) and rejects otherwise.
    handle.closed.catch(() => this.restart('consumer ended unexpectedly'));
  }

  /** Re-creates the consumer after the last dispatched sequence; one restart at a time. */
  private restart(why: string): void {
    if (this.stopping || this.restarting) return;
    this.log.warn({ why, after: this.seq }, 'fan-out consumer restarting');
    this.restarting = (async () => {
      const previous = this.consumer;
      this.consumer = undefined;
      await previous?.stop();
      for (let attempt = 0; !this.stopping; attempt++) {
        try {
          await this.reconcile();
          if (this.stopping) return;
          await this.follow();
          this.metrics.hubRestarts.add(1);
          this.log.info({ epoch: this.epoch, after: this.seq }, 'fan-out consumer restarted');
          return;
        } catch (error) {
          const delay = Math.min((this.options.restartDelayMs ?? 500) * 2 ** attempt, MAX_RESTART_DELAY_MS);
          this.log.warn({ err: error, attempt, delayMs: delay }, 'fan-out consumer could not restart; retrying');
          await sleep(delay, undefined, { signal: this.stopped.signal }).catch(() => undefined);
        }
      }
    })().finally(() => {
      this.restarting = undefined;
    });
  }

  /** Before following again: is it the same stream, and does it still hold what comes next? */
  private async reconcile(): Promise<void> {
    const dispatched = this.seq;
    const bounds = await readStreamBounds(this.options.nc, this.options.eventsStream);
    if (bounds.epoch !== this.epoch || bounds.lastSeq < dispatched) {
      this.log.warn({ from: this.epoch, to: bounds.epoch }, 'events stream was recreated; every stream resets');
      this.epoch = bounds.epoch;
      this.seq = bounds.lastSeq;
      this.broadcast('epoch_changed');
    } else if (bounds.firstSeq > this.seq + 1) {
      this.log.warn({ after: this.seq, firstSeq: bounds.firstSeq }, 'events the hub had not dispatched are gone; every stream resets');
      this.seq = bounds.firstSeq - 1;
      this.broadcast('history_gone');
    }
  }

  private broadcast(reason: ResetReason): void {
    const position = this.position();
    const everyone = [...this.byTenant.values()].flatMap((groups) => [...groups.values()].flatMap((group) => [...group]));
    for (const subscriber of everyone) {
      try {
        subscriber.discontinuity(reason, position);
      } catch (error) {
        this.log.error({ err: error }, 'a subscriber failed to take a reset');
      }
    }
  }

  private async checkEpoch(): Promise<void> {
    if (this.stopping || this.restarting) return;
    try {
      // Compare with the position taken before asking: events dispatched while the answer
      // travels would otherwise make a busy hub think the stream went backwards.
      const dispatched = this.seq;
      const bounds = await readStreamBounds(this.options.nc, this.options.eventsStream);
      if (bounds.epoch !== this.epoch || bounds.lastSeq < dispatched) this.restart('events stream was recreated');
      else this.pending = bounds.lastSeq - dispatched;
    } catch (error) {
      // A missing stream or a NATS hiccup: the consumer's own failure path handles it.
      this.log.debug({ err: error }, 'epoch check failed');
    }
  }
}

/** Starts following the events stream from its current end; resolves once the consumer is up. */
export async function startFanoutHub(options: FanoutHubOptions): Promise<FanoutHub> {
  const hub = new Hub(options);
  await hub.start();
  return hub;
}
