// Starting a connection at the right place: live, a reset, or a replay without gaps or
// duplicates (decision 0011). The decision is pure (decide-resume.ts); this file does the
// reading around it and the handshake with the hub:
//
//   1. the connection starts holding live frames, then registers with the hub, which
//      answers its position P — every event after P will reach the connection;
//   2. a per-connection consumer replays the channels' events after the client's position
//      up to P;
//   3. the held frames are written, skipping anything at or below what was replayed, and
//      the connection goes live.
//
// Nothing is lost between 2 and 3 (the hub holds everything after P for it) and nothing is
// sent twice (the replay stops at P; held frames start after P).
import type { NatsConnection } from '@nats-io/transport-node';
import { readStreamBounds } from '@freshet/bus';
import type { StreamPosition } from '@freshet/contracts';
import { HttpProblem, type LogWriter } from '@freshet/telemetry';
import { decideResume, replayFilter, replayTooOld, type ResumeDecision } from './decide-resume';
import { eventFrame } from './event-frame';
import type { FanoutHub } from './fanout-hub';
import { ReplayHistoryGoneError, firstMatchingFrom, replayRange } from './replay-reader';
import type { SseConnection } from './sse-connection';

export type ResumePlan = ResumeDecision & { epoch?: string };

/** Decides where a client starts. Reads the stream's bounds only when the client sent an id. */
export async function planResume(
  input: { nc: NatsConnection; eventsStream: string; hub: FanoutHub; lastEventId: string | undefined; maxEvents: number },
): Promise<ResumePlan> {
  if (input.lastEventId === undefined) return { kind: 'live' };
  const bounds = await readStreamBounds(input.nc, input.eventsStream).catch((error: unknown) => {
    throw new HttpProblem(503, 'EVENTS_STREAM_UNAVAILABLE', 'the event stream did not answer; try again shortly', undefined, { cause: error });
  });
  const hub = input.hub.position();
  const decision = decideResume(input.lastEventId, { epoch: hub.epoch, hubSeq: hub.seq, firstSeq: bounds.firstSeq, lastSeq: bounds.lastSeq }, { maxEvents: input.maxEvents });
  // The epoch the decision was made in: if the hub moves to another before registration, the replay is void.
  return { ...decision, epoch: hub.epoch };
}

export interface DeliveryContext {
  nc: NatsConnection;
  prefix: string;
  eventsStream: string;
  hub: FanoutHub;
  maxAgeMs: number;
  logger: LogWriter;
  now?: () => number;
}

/** Registers the connection with the hub and gets it to live delivery according to the plan. */
export async function startDelivery(connection: SseConnection, plan: ResumePlan, context: DeliveryContext): Promise<void> {
  const { hub } = context;
  if (plan.kind === 'live') {
    const position = hub.register(connection);
    connection.sendReady(position, position);
    return;
  }
  if (plan.kind === 'reset') {
    const position = hub.register(connection);
    connection.sendReady(position, undefined);
    connection.sendReset(plan.reason, position);
    return;
  }
  connection.beginBuffering();
  const target = hub.register(connection);
  if (target.epoch !== plan.epoch) {
    // The stream changed between the decision and registering: the client's position means
    // nothing in this epoch, so its ready carries no position of it (the reset does).
    connection.sendReady(target, undefined);
    connection.resetReplay('epoch_changed', target);
    await connection.finishReplay(target.seq);
    return;
  }
  connection.sendReady(target, { epoch: target.epoch, seq: plan.after });
  const outcome = await replay(connection, plan.after, target, context);
  if (outcome.kind === 'reset') connection.resetReplay(outcome.reason, target);
  // Held frames are all after the target; the skip also covers a client ahead of the hub.
  await connection.finishReplay(Math.max(plan.after, outcome.kind === 'done' ? outcome.last : target.seq));
}

type ReplayOutcome = { kind: 'done'; last: number } | { kind: 'reset'; reason: 'replay_limit' | 'history_gone' };

async function replay(connection: SseConnection, after: number, target: StreamPosition, context: DeliveryContext): Promise<ReplayOutcome> {
  if (target.seq <= after) return { kind: 'done', last: after };
  const filterSubject = replayFilter(context.prefix, connection.tenant, connection.channels);
  // Probed after registration: every event up to the target is stored by now.
  const first = await firstMatchingFrom(context.nc, context.eventsStream, filterSubject, after + 1);
  if (first === undefined || first.seq > target.seq) return { kind: 'done', last: after };
  const now = (context.now ?? Date.now)();
  if (replayTooOld(first.storedAtMs, now, context.maxAgeMs)) return { kind: 'reset', reason: 'replay_limit' };
  // Stops when the client leaves, or when the connection no longer takes replayed frames
  // (it was reset meanwhile: the held frames overflowed, or the stream was recreated).
  const stop = new AbortController();
  try {
    const last = await replayRange({
      nc: context.nc,
      stream: context.eventsStream,
      filterSubject,
      fromSeq: first.seq,
      toSeq: target.seq,
      signal: AbortSignal.any([connection.signal, stop.signal]),
      logger: context.logger,
      onEvent: async (event, seq) => {
        if (!connection.carries(event)) return;
        if (!(await connection.writeReplay(eventFrame({ epoch: target.epoch, seq }, event)))) stop.abort();
      },
    });
    return { kind: 'done', last };
  } catch (error) {
    if (error instanceof ReplayHistoryGoneError) return { kind: 'reset', reason: 'history_gone' };
    throw error;
  }
}
