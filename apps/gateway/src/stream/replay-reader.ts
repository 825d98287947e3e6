// Reads a range of the events stream for one resuming connection: what it missed between
// its Last-Event-ID and the hub's position when it registered. One ephemeral consumer per
// replay, filtered to one subject (nats-server 2.9 allows one filter; channels are
// filtered in process), deleted as soon as the range is read.
//
// Not the client's ordered consumer: that one cannot be deleted reliably when a client
// leaves mid-replay (its server-side name changes as it recreates itself), and in a
// reconnect storm thousands would linger for their 5 minute inactivity threshold. A
// bounded replay does not need self-healing either: a gap (the delivery sequence skips)
// ends the connection, and the client resumes exactly from its last id.
//
// Knowing when the range is read: a filtered consumer may never see the range's last
// sequence (it may be another tenant's). Each message says how many matching messages
// remain after it (`pending`); every message up to `toSeq` was stored before the replay
// began, so `pending === 0` means nothing of the range is left. The caller first probes
// for the first matching message, so the consumer is only created when it has one to give.
import { randomUUID } from 'node:crypto';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { freshetEventSchema, type FreshetEvent } from '@freshet/contracts';
import type { LogWriter } from '@freshet/telemetry';

/** A safety net only: replays delete their consumer; this reaps one left by a crashed gateway. */
const CONSUMER_INACTIVE_THRESHOLD_MS = 60_000;

export interface StoredRef {
  seq: number;
  /** When JetStream stored it (epoch ms). */
  storedAtMs: number;
}

/** The first message at or after `fromSeq` matching the filter, or undefined when none is stored. */
export async function firstMatchingFrom(nc: NatsConnection, stream: string, filterSubject: string, fromSeq: number): Promise<StoredRef | undefined> {
  const jsm = await jetstreamManager(nc, { checkAPI: false });
  // `next_by_subj` (nats-server ≥ 2.9) is missing from the client's MsgRequest type, not from the API.
  const query = { seq: fromSeq, next_by_subj: filterSubject } as unknown as { seq: number };
  const message = await jsm.streams.getMessage(stream, query);
  return message ? { seq: message.seq, storedAtMs: message.time.getTime() } : undefined;
}

/** The stream no longer holds the start of the range: the client must reset, not skip. */
export class ReplayHistoryGoneError extends Error {
  constructor(readonly expected: number, readonly got: number) {
    super(`replay expected sequence ${expected} first but the stream gave ${got}`);
    this.name = 'ReplayHistoryGoneError';
  }
}

/** Messages were lost in transit, or none came for too long: end the connection, the client resumes. */
export class ReplayInterruptedError extends Error {
  constructor(readonly after: number, reason: string) {
    super(`replay interrupted after sequence ${after}: ${reason}`);
    this.name = 'ReplayInterruptedError';
  }
}

export interface ReplayRangeOptions {
  nc: NatsConnection;
  stream: string;
  filterSubject: string;
  /** A sequence known to match the filter (from `firstMatchingFrom`): the first one read. */
  fromSeq: number;
  /** Last sequence of the range, inclusive. */
  toSeq: number;
  /** Aborting ends the read (the client left, or it no longer needs the replay). */
  signal: AbortSignal;
  logger: LogWriter;
  /** Awaited before the next message: this is where a slow socket slows the replay down. */
  onEvent(event: FreshetEvent, seq: number): Promise<void> | void;
  /** Longest wait for the next message (default 15 s). */
  idleTimeoutMs?: number;
}

/** Reads [fromSeq, toSeq] and returns the last sequence read (fromSeq - 1 when aborted first). */
export async function replayRange(options: ReplayRangeOptions): Promise<number> {
  const { nc, stream, filterSubject, fromSeq, toSeq, signal, logger } = options;
  let last = fromSeq - 1;
  if (signal.aborted || fromSeq > toSeq) return last;
  const jsm = await jetstreamManager(nc, { checkAPI: false });
  const name = `gw_replay_${randomUUID().replaceAll('-', '')}`;
  const info = await jsm.consumers.add(stream, {
    name,
    filter_subject: filterSubject,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: fromSeq,
    ack_policy: AckPolicy.None,
    mem_storage: true,
    num_replicas: 1,
    inactive_threshold: nanos(CONSUMER_INACTIVE_THRESHOLD_MS),
  }).catch((error: unknown) => {
    // A request that timed out may still have created it on the server.
    void jsm.consumers.delete(stream, name).catch(() => undefined);
    throw error;
  });
  try {
    const messages = await jetstream(nc).consumers.getConsumerFromInfo(info).consume({ max_messages: 256 });
    let interrupted: string | undefined;
    const stop = (reason?: string) => {
      interrupted ??= reason;
      void messages.close();
    };
    const onAbort = () => stop();
    signal.addEventListener('abort', onAbort, { once: true });
    let idle: NodeJS.Timeout | undefined;
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => stop('no message for too long'), options.idleTimeoutMs ?? 15_000);
    };
    armIdle();
    try {
      let delivered = 0;
      for await (const msg of messages) {
        clearTimeout(idle);
        if (signal.aborted || interrupted) break;
        // Without acks nothing is redelivered: a skipped delivery sequence is a lost message.
        if (msg.info.deliverySequence !== ++delivered) {
          stop(`delivery ${msg.info.deliverySequence} after ${delivered - 1}`);
          break;
        }
        if (msg.seq > toSeq) break;
        // The probe saw `fromSeq`; a consumer starting later means it was deleted since
        // (aged out or purged), and silently skipping it would be a gap.
        if (last === fromSeq - 1 && msg.seq !== fromSeq) throw new ReplayHistoryGoneError(fromSeq, msg.seq);
        last = msg.seq;
        const event = decode(msg.data);
        if (event) await options.onEvent(event, msg.seq);
        // The hub's consumer already counted invalid messages once; replay only skips them.
        else logger.warn({ seq: msg.seq, subject: msg.subject }, 'replay skipped an invalid message');
        if (msg.seq >= toSeq || msg.info.pending === 0) break;
        armIdle();
      }
    } finally {
      clearTimeout(idle);
      signal.removeEventListener('abort', onAbort);
      await messages.close().catch(() => undefined);
    }
    if (interrupted && !signal.aborted) throw new ReplayInterruptedError(last, interrupted);
    return last;
  } finally {
    // Not awaited: the live frames held meanwhile should not wait for it, and the
    // inactivity threshold covers a delete that fails.
    void jsm.consumers.delete(stream, name).catch((error: unknown) => logger.debug({ err: error, name }, 'replay consumer not deleted'));
  }
}

function decode(bytes: Uint8Array): FreshetEvent | undefined {
  try {
    const parsed = freshetEventSchema.safeParse(JSON.parse(Buffer.from(bytes).toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
