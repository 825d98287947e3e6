// One client's SSE stream, written on the raw Node response (the route hijacks the reply:
// frames are shared Buffers from the fan-out, written as they are). It owns everything
// with a lifetime of the connection: heartbeats, the coalescing window, the live frames
// held while a replay runs, slow-client protection and the credential's expiry.
//
// States: `buffering` while a replay writes history (live frames are held, never
// interleaved), `live`, `ending` (a final event was written; the socket gets a short
// grace to take it), `closed`. Close handlers (unregister from the hub, release the limit
// slot, the demand signal) run once, at the first of ending or closing.
import type { ServerResponse } from 'node:http';
import { formatStreamPosition, type FreshetEvent, type StreamPosition } from '@freshet/contracts';
import type { LogWriter } from '@freshet/telemetry';
import { channelCarries, channelKey, type Channel } from '../channels/channel';
import { coalesceFrames } from './coalesce';
import type { EventFrame } from './event-frame';
import type { ExpirySchedule, ExpiryTarget, ExpiryTicket } from './expiry-schedule';
import type { FanoutSubscriber } from './fanout-hub';
import type { HeartbeatTarget, HeartbeatWheel } from './heartbeat-wheel';
import { CONTROL_EVENTS, HEARTBEAT_FRAME, formatFrame, retryFrame, type ResetReason } from './sse-frame';
import type { StreamMetrics } from './stream-metrics';

export interface SseConnectionOptions {
  res: ServerResponse;
  tenant: string;
  /** Who opened it (the credential's subject): named in this stream's log lines. */
  subject: string;
  channels: readonly Channel[];
  retryMs: number;
  /** The process's heartbeat timer (one for all streams). */
  heartbeats: HeartbeatWheel;
  /** 0: write each event as it comes. */
  coalesceMs: number;
  maxBufferedBytes: number;
  /**
   * Live frames held during a replay, at most (counted in frame bytes; the Buffers are the
   * hub's, shared with every other connection, so this is mostly references). Beyond it,
   * the replay is abandoned with a `reset` rather than held without bound.
   */
  replayBufferMaxBytes: number;
  /** The credential's expiry (epoch ms): the stream ends with `auth-expired` then. */
  expiresAt?: number;
  /** The process's expiry timer (one for all streams). */
  expiries: ExpirySchedule;
  /** The hub's position now (its epoch names the frames a connection drops when it gives up a replay). */
  livePosition: () => StreamPosition;
  metrics: StreamMetrics;
  /** The request's logger (it carries the request id); lines of this stream add the tenant and subject. */
  logger: LogWriter;
  /** After a final event, how long before the socket is destroyed if the client does not take it. */
  closeGraceMs?: number;
}

type State = 'live' | 'buffering' | 'ending' | 'closed';

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  // Never stored: a cached stream would replay someone's events to someone else.
  'cache-control': 'no-store',
  // The body ends when the connection does (see open()): never reused for another request.
  connection: 'close',
  // nginx would otherwise buffer the response and hold events back.
  'x-accel-buffering': 'no',
};

const DRAIN_BATCH = 256;

export class SseConnection implements FanoutSubscriber, HeartbeatTarget, ExpiryTarget {
  readonly tenant: string;
  /** The tenant as a metric label (bounded: stream-metrics.ts). */
  private readonly tenantLabel: string;
  /** Connections with the same channels form one fan-out group (one channel check per event for all). */
  readonly channelGroup: string;
  private state: State = 'live';
  private readonly res: ServerResponse;
  private readonly closeHandlers: (() => void)[] = [];
  private closeHandlersRan = false;
  // Made on first use: most streams never need one, and it is not small.
  private aborted: AbortController | undefined;
  private wroteSinceHeartbeat = false;
  private held: EventFrame[] = [];
  private heldBytes = 0;
  private pending: EventFrame[] = [];
  private pendingBytes = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  /** Where the expiry schedule holds this stream (to leave it when the stream closes first). */
  private expiryTicket: ExpiryTicket | undefined;
  private readonly log: LogWriter;

  constructor(private readonly options: SseConnectionOptions) {
    this.res = options.res;
    this.tenant = options.tenant;
    this.tenantLabel = options.metrics.tenantLabel(options.tenant);
    this.channelGroup = options.channels.map(channelKey).sort().join(' ');
    this.log = options.logger;
  }

  /** Aborted when the connection stops taking events (ended or closed). */
  get signal(): AbortSignal {
    if (!this.aborted) {
      this.aborted = new AbortController();
      if (!this.isOpen) this.aborted.abort();
    }
    return this.aborted.signal;
  }

  get isOpen(): boolean {
    return this.state === 'live' || this.state === 'buffering';
  }

  /** Runs once when the connection stops (ends or closes); at once if it already has. */
  onClose(handler: () => void): void {
    if (this.closeHandlersRan) handler();
    else this.closeHandlers.push(handler);
  }

  /**
   * Writes the head and `retry:`, joins the heartbeats and the expiry schedule. `extraHeaders`:
   * headers set on the reply before it was hijacked (CORS, request id), written and not kept.
   */
  open(extraHeaders?: Record<string, string | number | string[] | undefined>): void {
    const { res } = this;
    res.on('close', () => this.close());
    // Writes racing a vanished socket surface as 'error': the 'close' that follows cleans up.
    res.on('error', (error) => this.log.debug({ err: error }, 'SSE response error'));
    if (res.destroyed || res.socket === null || res.socket.destroyed) {
      this.close();
      return;
    }
    res.socket.setNoDelay(true);
    // A stream has no natural end, so its body is delimited by the connection closing
    // (RFC 9112 §6.3) rather than by chunked encoding: each event is then one socket write
    // of the shared frame, not four (chunk size line, frame, CRLF), which is most of the
    // CPU a delivery costs. EventSource, fetch and proxies read such bodies as they come.
    res.removeHeader('transfer-encoding');
    res.writeHead(200, { ...extraHeaders, ...SSE_HEADERS });
    res.write(retryFrame(this.options.retryMs));
    this.options.heartbeats.add(this);
    if (this.options.expiresAt !== undefined) this.expiryTicket = this.options.expiries.add(this, this.options.expiresAt);
    this.options.metrics.noteTenant(this.tenant);
    this.options.metrics.openStreams.add(1, { tenant: this.tenantLabel });
    this.onClose(() => this.options.metrics.openStreams.add(-1, { tenant: this.tenantLabel }));
  }

  get channels(): readonly Channel[] {
    return this.options.channels;
  }

  carries(event: Pick<FreshetEvent, 'tenant' | 'source' | 'type'>): boolean {
    return this.options.channels.some((channel) => channelCarries(channel, event));
  }

  /**
   * `ready`: the channels and where live delivery continues from. Its `id` is the position
   * the client holds once it has it, so an EventSource that drops before the first event
   * reconnects from there instead of from "now" (and misses nothing in between).
   */
  sendReady(position: StreamPosition, clientPosition: StreamPosition | undefined): void {
    this.writeControl(CONTROL_EVENTS.ready, { channels: this.options.channels.map(channelKey), position: formatStreamPosition(position) }, clientPosition);
  }

  /** `reset`: reload snapshots; the stream goes on after `position` (also its id, for reconnects). */
  sendReset(reason: ResetReason, position: StreamPosition): void {
    this.options.metrics.resets.add(1, { reason });
    this.writeControl(CONTROL_EVENTS.reset, { reason, position: formatStreamPosition(position) }, position);
  }

  // ---- fan-out ------------------------------------------------------------------------

  /** True when the frame was written now (the hub counts those once per event); queued or held frames are counted when written. */
  deliver(frame: EventFrame): boolean {
    if (this.state === 'live') return this.enqueue(frame);
    if (this.state === 'buffering') this.hold(frame);
    return false;
  }

  discontinuity(reason: ResetReason, position: StreamPosition): void {
    if (this.state === 'buffering') {
      // The replay and the held frames belong to a stream that is gone.
      this.dropHeld();
      this.state = 'live';
    } else if (this.state === 'live') {
      this.flush();
    } else return;
    this.sendReset(reason, position);
  }

  // ---- replay ---------------------------------------------------------------------------

  /** Live frames are held from now until `finishReplay`: call before registering with the hub. */
  beginBuffering(): void {
    if (this.state === 'live') this.state = 'buffering';
  }

  get isBuffering(): boolean {
    return this.state === 'buffering';
  }

  /** Writes a replayed frame, waiting while the socket is full. False: stop replaying. */
  async writeReplay(frame: EventFrame): Promise<boolean> {
    if (this.state !== 'buffering') return false;
    if (!this.write(frame.bytes)) return false;
    this.options.metrics.replayed.add(1, { tenant: this.tenantLabel });
    await this.drained();
    return this.state === 'buffering';
  }

  /** Ends a replay in a `reset` (the replay cannot be done exactly); live goes on after `position`. */
  resetReplay(reason: ResetReason, position: StreamPosition): void {
    if (this.state !== 'buffering') return;
    this.sendReset(reason, position);
  }

  /**
   * Writes the frames held during the replay (skipping any at or below `skipThrough`:
   * the replay or the client's own position already covered them), pacing on the socket,
   * then goes live. Frames still arriving meanwhile join the queue, so order holds.
   */
  async finishReplay(skipThrough: number): Promise<void> {
    while (this.state === 'buffering') {
      if (this.held.length === 0) {
        this.state = 'live';
        return;
      }
      const batch = this.held.splice(0, DRAIN_BATCH);
      for (const frame of batch) this.heldBytes -= frame.bytes.length;
      const fresh = batch.filter((frame) => frame.seq > skipThrough);
      const { frames, merged } = this.options.coalesceMs > 0 ? coalesceFrames(fresh) : { frames: fresh, merged: 0 };
      if (merged > 0) this.options.metrics.coalesced.add(merged, { tenant: this.tenantLabel });
      if (frames.length > 0) {
        if (!this.write(concat(frames))) return;
        this.options.metrics.delivered.add(frames.length, { tenant: this.tenantLabel });
      }
      await this.drained();
    }
  }

  // ---- ending -----------------------------------------------------------------------------

  /**
   * Ends the stream with a final control event (best effort). A response the client has
   * not taken within the grace loses its socket; with `dropSocket` (a slow client) the
   * socket goes either way — it is not worth keeping alive for the next request.
   */
  end(event: string, data: unknown, { dropSocket = false }: { dropSocket?: boolean } = {}): void {
    if (!this.isOpen) return;
    this.state = 'ending';
    this.stopWork();
    const { res } = this;
    const socket = res.socket;
    try {
      res.end(formatFrame({ event, data }));
    } catch (error) {
      this.log.debug({ err: error }, 'final SSE event not written');
    }
    // Not cleared on close: a finished response may still have to lose its socket.
    const grace = setTimeout(() => {
      if (dropSocket || !res.writableFinished) socket?.destroy();
    }, this.options.closeGraceMs ?? 1_000);
    grace.unref();
  }

  /** Ends without a final event: the client reconnects with its last id (e.g. after an internal failure). */
  abort(): void {
    if (this.state === 'closed') return;
    this.res.destroy();
    this.close();
  }

  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.stopWork();
  }

  // ---- internals ----------------------------------------------------------------------

  private writeControl(event: string, data: unknown, id: StreamPosition | undefined): void {
    this.write(formatFrame({ id: id === undefined ? undefined : formatStreamPosition(id), event, data }));
  }

  private enqueue(frame: EventFrame): boolean {
    if (this.options.coalesceMs === 0) return this.write(frame.bytes);
    this.pending.push(frame);
    this.pendingBytes += frame.bytes.length;
    // A burst larger than the socket may hold goes out now rather than sit in memory.
    if (this.pendingBytes >= this.options.maxBufferedBytes) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), this.options.coalesceMs);
    return false;
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.length === 0 || this.state !== 'live') return;
    const { frames, merged } = coalesceFrames(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    if (merged > 0) this.options.metrics.coalesced.add(merged, { tenant: this.tenantLabel });
    if (!this.write(concat(frames))) return;
    this.options.metrics.delivered.add(frames.length, { tenant: this.tenantLabel });
    const oldest = Math.min(...frames.map((f) => f.timeMs));
    if (Number.isFinite(oldest)) this.options.metrics.deliveryLag.record(Math.max(0, Date.now() - oldest) / 1000, { mode: 'coalesced' });
  }

  private hold(frame: EventFrame): void {
    this.held.push(frame);
    this.heldBytes += frame.bytes.length;
    if (this.heldBytes <= this.options.replayBufferMaxBytes) return;
    // Live traffic outran the replay: give up exactly-once for this client, tell it so.
    this.log.info({ tenant: this.tenant, subject: this.options.subject, heldBytes: this.heldBytes }, 'replay abandoned: too many live events held meanwhile');
    // Everything up to this frame is dropped, so the stream goes on right after it.
    this.dropHeld();
    this.state = 'live';
    this.sendReset('replay_limit', { epoch: this.options.livePosition().epoch, seq: frame.seq });
  }

  private dropHeld(): void {
    this.held = [];
    this.heldBytes = 0;
  }

  /**
   * The one write path. A client whose socket already holds more unsent bytes than allowed
   * is not written to again: it is ended as a slow client (checked before the write, so one
   * large event alone never trips it). False when nothing was written.
   */
  private write(chunk: Buffer | string): boolean {
    if (!this.isOpen) return false;
    if (this.res.writableLength > this.options.maxBufferedBytes) {
      this.options.metrics.slowClientDrops.add(1, { tenant: this.tenantLabel });
      this.log.info({ tenant: this.tenant, subject: this.options.subject, unsentBytes: this.res.writableLength }, 'slow SSE client dropped');
      this.end(CONTROL_EVENTS.disconnect, { reason: 'slow_client' }, { dropSocket: true });
      return false;
    }
    this.res.write(chunk);
    this.wroteSinceHeartbeat = true;
    return true;
  }

  heartbeatDue(): void {
    if (this.wroteSinceHeartbeat) this.wroteSinceHeartbeat = false;
    else if (this.write(HEARTBEAT_FRAME)) {
      this.wroteSinceHeartbeat = false;
      this.options.metrics.heartbeats.add(1);
    }
  }

  /** The credential expired (the expiry schedule calls this once): what is queued goes first. */
  expire(): void {
    const { expiresAt } = this.options;
    if (expiresAt === undefined || !this.isOpen) return;
    this.flush();
    this.end(CONTROL_EVENTS.authExpired, { reason: 'credential_expired', expiresAt: new Date(expiresAt).toISOString() });
  }

  /** Resolves when the socket has room again (or is gone): replay and held frames pace on it. */
  private drained(): Promise<void> {
    const { res } = this;
    if (!this.isOpen || res.writableLength <= res.writableHighWaterMark) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }

  private stopWork(): void {
    this.options.heartbeats.remove(this);
    if (this.expiryTicket !== undefined) this.options.expiries.remove(this, this.expiryTicket);
    this.expiryTicket = undefined;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.pending = [];
    this.pendingBytes = 0;
    this.dropHeld();
    this.aborted?.abort();
    if (this.closeHandlersRan) return;
    this.closeHandlersRan = true;
    for (const handler of this.closeHandlers.splice(0)) {
      try {
        handler();
      } catch (error) {
        this.log.error({ err: error, tenant: this.tenant, subject: this.options.subject }, 'SSE close handler failed');
      }
    }
  }
}

function concat(frames: readonly EventFrame[]): Buffer {
  return frames.length === 1 ? (frames[0] as EventFrame).bytes : Buffer.concat(frames.map((f) => f.bytes));
}
