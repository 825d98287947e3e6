// The one SSE stream of a client, shared by every store: which channels it carries and
// where it resumes (core/stream-plan), its connection state and reconnects
// (core/connection-machine), and the routing of its events to the stores. Decisions are
// the pure modules'; this class holds the timers, the fetch and the bookkeeping.
import type { StreamPosition } from '@freshet/contracts';
import type { EventSourceMessage } from 'eventsource-parser';
import type { BackoffPolicy } from '../core/backoff';
import { INITIAL_CONNECTION, stepConnection, type ConnectionInput } from '../core/connection-machine';
import { formatStreamPosition } from '../core/position';
import type { PositionedEvent } from '../core/source-model';
import { classifyMessage, type StreamMessage } from '../core/stream-messages';
import { planStream, type ChannelDemand } from '../core/stream-plan';
import { authHeaders, credentialsOf } from '../io/auth';
import { toClientError } from '../io/client-error';
import type { HttpClient } from '../io/http';
import { runEventStream, type StreamEnd } from '../io/sse-transport';
import type { ClientError, ClientStats, ConnectionSnapshot, Store } from '../types';
import { Listeners } from './listeners';
import type { HubHandle, StreamParticipant } from './participant';

/** Channel changes within this window are one reopen. */
const PLAN_DEBOUNCE_MS = 10;

export interface StreamHubOptions {
  http: HttpClient;
  tenant: string;
  backoff: BackoffPolicy;
  idleTimeoutMs: number;
  coalesceMs?: number;
  logger: Pick<Console, 'warn' | 'error'>;
  stats: ClientStats;
  random?: () => number;
}

interface OpenStream {
  controller: AbortController;
  channels: string[];
}

export class StreamHub implements HubHandle {
  readonly connection: Store<ConnectionSnapshot> & { retry(): void };
  private readonly participants = new Set<StreamParticipant>();
  private readonly joined = new Set<StreamParticipant>();
  private readonly listeners = new Listeners();
  private snapshot: ConnectionSnapshot = INITIAL_CONNECTION;
  private stream: OpenStream | undefined;
  /** Bumped whenever a stream is replaced or closed: messages and ends of older ones are ignored. */
  private generation = 0;
  private position: StreamPosition | undefined;
  private planTimer: ReturnType<typeof setTimeout> | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private warnedMalformed = false;
  private closed = false;

  constructor(private readonly options: StreamHubOptions) {
    this.connection = {
      getState: () => this.snapshot,
      subscribe: (listener) => this.listeners.add(listener),
      retry: () => this.retry(),
    };
  }

  add(participant: StreamParticipant): void {
    this.participants.add(participant);
  }

  changed(): void {
    if (this.closed || this.planTimer !== undefined) return;
    this.planTimer = setTimeout(() => {
      this.planTimer = undefined;
      this.plan();
    }, PLAN_DEBOUNCE_MS);
  }

  leave(participant: StreamParticipant): void {
    this.joined.delete(participant);
  }

  authRejected(error: ClientError): void {
    this.stopStream();
    this.step({ type: 'auth-expired', error });
  }

  retry(): void {
    if (this.closed) return;
    for (const participant of this.participants) if (participant.failed()) void participant.reload();
    // A stream that is up (or coming up) has nothing to retry.
    if (this.snapshot.state === 'live' || this.snapshot.state === 'connecting') return;
    this.clearReconnect();
    this.step({ type: 'retry' });
    this.plan();
  }

  close(): void {
    this.closed = true;
    if (this.planTimer !== undefined) clearTimeout(this.planTimer);
    this.clearReconnect();
    this.stopStream();
    this.step({ type: 'idle' });
  }

  private plan(): void {
    const { state } = this.snapshot;
    if (this.closed || state === 'offline' || state === 'auth-expired' || this.reconnectTimer !== undefined) return;
    const demands: ChannelDemand[] = [];
    const byChannel = new Map<string, StreamParticipant>();
    for (const participant of this.participants) {
      const demand = participant.demand();
      if (demand.kind === 'loading') return; // it calls changed() when loaded: one decision for all
      if (demand.kind === 'none') {
        this.joined.delete(participant);
        continue;
      }
      byChannel.set(participant.channel, participant);
      demands.push({ channel: participant.channel, position: demand.position, joined: this.joined.has(participant) });
    }
    const plan = planStream(demands, { open: this.stream !== undefined, channels: this.stream?.channels ?? [], position: this.position });
    switch (plan.kind) {
      case 'idle':
        if (state !== 'idle') this.step({ type: 'idle' });
        return;
      case 'close':
        this.stopStream();
        this.step({ type: 'idle' });
        return;
      case 'keep':
        for (const channel of plan.join) this.joined.add(byChannel.get(channel) as StreamParticipant);
        if (this.position !== undefined) for (const channel of plan.rebase) byChannel.get(channel)?.rebase(this.position);
        return;
      case 'open':
        for (const participant of byChannel.values()) this.joined.add(participant);
        if (plan.lastEventId !== undefined) for (const channel of plan.rebase) byChannel.get(channel)?.rebase(plan.lastEventId);
        this.open(plan.channels, plan.lastEventId);
        return;
    }
  }

  private open(channels: string[], lastEventId: StreamPosition | undefined): void {
    this.stopStream();
    const generation = this.generation;
    const controller = new AbortController();
    this.stream = { controller, channels };
    this.position = lastEventId;
    this.step({ type: 'opening' });
    void this.run(generation, controller, channels, lastEventId);
  }

  private async run(generation: number, controller: AbortController, channels: string[], lastEventId: StreamPosition | undefined): Promise<void> {
    const { http, tenant, coalesceMs, idleTimeoutMs } = this.options;
    let headers: Record<string, string>;
    try {
      headers = await authHeaders(http.options.auth, 'GET');
    } catch (error) {
      if (generation !== this.generation) return;
      this.stream = undefined;
      this.step({ type: 'auth-expired', error: { code: 'TOKEN_UNAVAILABLE', message: `the token function failed: ${toClientError(error).message}` } });
      return;
    }
    if (lastEventId !== undefined) headers['last-event-id'] = formatStreamPosition(lastEventId);
    const url = http.url(`/v1/tenants/${encodeURIComponent(tenant)}/stream`, { channel: channels, coalesce: coalesceMs });
    const credentials = credentialsOf(http.options.auth);
    const end = await runEventStream(
      http.options.fetch,
      { url, headers, ...(credentials ? { credentials } : {}) },
      { onMessages: (messages) => this.onMessages(generation, messages) },
      { signal: controller.signal, idleTimeoutMs },
    );
    if (generation !== this.generation) return;
    this.stream = undefined;
    this.generation += 1;
    this.onEnd(end);
  }

  private onEnd(end: StreamEnd): void {
    const random = (this.options.random ?? Math.random)();
    const now = Date.now();
    if (end.kind === 'aborted') return;
    const input: ConnectionInput =
      end.kind === 'refused'
        ? { type: 'refused', error: end.error, now, random, ...(end.retryAfterMs === undefined ? {} : { retryAfterMs: end.retryAfterMs }) }
        : { type: 'lost', now, random, ...(end.kind === 'failed' ? { error: end.error } : {}) };
    const reconnectInMs = this.step(input);
    if (reconnectInMs === undefined) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.options.stats.reconnects += 1;
      this.plan();
    }, reconnectInMs);
  }

  private onMessages(generation: number, messages: EventSourceMessage[]): void {
    if (generation !== this.generation) return;
    const now = Date.now();
    let batch: PositionedEvent[] = [];
    const flush = () => {
      if (batch.length > 0) this.deliver(batch, now);
      batch = [];
    };
    for (const raw of messages) {
      const message = classifyMessage(raw);
      if (message.kind === 'event') {
        batch.push(message);
        this.position = message.position;
        continue;
      }
      flush();
      if (!this.control(message)) return;
    }
    flush();
    if (this.position !== undefined) {
      const position = formatStreamPosition(this.position);
      if (position !== this.snapshot.position) this.step({ type: 'position', position });
    }
  }

  /** Handles a control (or malformed) message; false when the stream is over for this batch. */
  private control(message: Exclude<StreamMessage, { kind: 'event' }>): boolean {
    switch (message.kind) {
      case 'malformed':
        this.options.stats.malformedEvents += 1;
        if (message.position !== undefined) this.position = message.position;
        if (!this.warnedMalformed) {
          this.warnedMalformed = true;
          this.options.logger.warn(`@freshet/client: ignored a malformed stream event (${message.reason}); further ones are only counted in stats.malformedEvents`);
        }
        return true;
      case 'ready':
        if (message.position !== undefined) this.position = message.position;
        this.step({ type: 'ready', ...(this.position === undefined ? {} : { position: formatStreamPosition(this.position) }) });
        return true;
      case 'disconnect':
        // The gateway ends the stream right after; its end reconnects.
        return true;
      case 'auth-expired':
        this.stopStream();
        this.step({ type: 'auth-expired', error: { code: 'AUTH_EXPIRED', message: 'the credential expired; renew it and call connection.retry()' } });
        return false;
      case 'reset':
        this.onReset(message.position);
        return false;
    }
  }

  /** `reset`: the stream cannot be resumed exactly. Reload every store's snapshot, then reopen from them. */
  private onReset(position: StreamPosition | undefined): void {
    this.options.stats.resets += 1;
    if (position !== undefined) this.position = position;
    this.stopStream();
    this.joined.clear();
    this.step({ type: 'retry' });
    for (const participant of this.participants) if (participant.demand().kind !== 'none') void participant.reload();
    this.changed();
  }

  private deliver(events: PositionedEvent[], now: number): void {
    for (const participant of [...this.joined]) {
      const mine = events.filter((e) => participant.accepts(e.event));
      if (mine.length === 0) continue;
      const { duplicates, reload } = participant.receive(mine, now);
      this.options.stats.duplicateEvents += duplicates;
      if (reload) {
        this.joined.delete(participant);
        void participant.reload();
      }
    }
  }

  private stopStream(): void {
    this.generation += 1;
    this.stream?.controller.abort();
    this.stream = undefined;
  }

  private clearReconnect(): void {
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
  }

  /** Applies a connection transition; returns the reconnect delay it asks for, if any. */
  private step(input: ConnectionInput): number | undefined {
    const { snapshot, reconnectInMs } = stepConnection(this.snapshot, input, this.options.backoff);
    if (snapshot !== this.snapshot) {
      this.snapshot = snapshot;
      this.listeners.notify(this.options.logger);
    }
    return reconnectInMs;
  }
}
