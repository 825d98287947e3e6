// Where a connecting client starts, decided from what it sent and where the stream is.
// Pure: the caller reads the stream's bounds and the hub's position, this decides.
// A client's id is never an error (no 4xx/5xx for it): anything we cannot resume from
// exactly becomes a `reset`, and the client reloads snapshots and goes on live.
import { eventFilter, parseStreamPosition } from '@freshet/contracts';
import type { Channel } from '../channels/channel';
import type { ResetReason } from './sse-frame';

export interface ResumeState {
  /** The incarnation of the stream the hub follows. */
  epoch: string;
  /** Last sequence the hub dispatched: where live delivery continues from. */
  hubSeq: number;
  /** First sequence the stream still holds (read now). */
  firstSeq: number;
  /** Last sequence the stream holds (read now; may be ahead of the hub by a few messages). */
  lastSeq: number;
}

export type ResumeDecision =
  | { kind: 'live' }
  | { kind: 'reset'; reason: ResetReason }
  /** Replay the channels' events after `after`, then go live. */
  | { kind: 'replay'; after: number };

/**
 * The id a client resumes from: the `Last-Event-ID` header first (an EventSource that
 * reconnects sends its latest id there, while its URL still holds the first one), else
 * the `lastEventId` query parameter. Empty means none.
 */
export function lastEventIdOf(header: string | string[] | undefined, query: unknown): string | undefined {
  const raw = header !== undefined ? header : query;
  if (raw === undefined || raw === '') return undefined;
  // A repeated header or parameter is not an id we can trust: it resets, like garbage.
  return typeof raw === 'string' ? raw : JSON.stringify(raw);
}

export function decideResume(lastEventId: string | undefined, state: ResumeState, limits: { maxEvents: number }): ResumeDecision {
  if (lastEventId === undefined) return { kind: 'live' };
  const position = parseStreamPosition(lastEventId);
  if (position === undefined) return { kind: 'reset', reason: 'malformed_last_event_id' };
  if (position.epoch !== state.epoch) return { kind: 'reset', reason: 'epoch_changed' };
  // The hub may trail the stream by the messages in flight: a position the stream holds
  // is not "ahead" even if this gateway has not dispatched it yet (another replica, or a
  // snapshot, may have seen it first). Live frames up to it are skipped, not sent twice.
  if (position.seq > Math.max(state.hubSeq, state.lastSeq)) return { kind: 'reset', reason: 'ahead_of_stream' };
  // The next event the client needs is no longer held: the stream aged or purged it.
  if (position.seq + 1 < state.firstSeq) return { kind: 'reset', reason: 'history_gone' };
  if (state.hubSeq - position.seq > limits.maxEvents) return { kind: 'reset', reason: 'replay_limit' };
  return { kind: 'replay', after: position.seq };
}

/** A replay whose first event was stored longer ago than the limit is refused (`replay_limit`). */
export function replayTooOld(firstStoredAtMs: number, nowMs: number, maxAgeMs: number): boolean {
  return nowMs - firstStoredAtMs > maxAgeMs;
}

/**
 * One filter subject (nats-server 2.9 takes one): the source's subjects for a one-source
 * stream (the common case, and far less to read), else the tenant's; channels are
 * filtered in process either way.
 */
export function replayFilter(prefix: string, tenant: string, channels: readonly Channel[]): string {
  const [only] = channels;
  return channels.length === 1 && only?.kind === 'source' ? eventFilter(prefix, { tenant, source: only.source }) : eventFilter(prefix, { tenant });
}
