// A JetStream message taken by a raw pull request (pull-mux.ts). The client library only
// builds its JsMsg inside its own fetch/consume, which cannot ask nats-server 2.9 for a
// no-wait pull, so this is the small part of JsMsg a worker needs: the delivery info from
// the `$JS.ACK` reply subject, and the acks, each sent at most once (+WPI any number of
// times before that).
import { nanos } from '@nats-io/transport-node';
import type { Msg, MsgHdrs } from '@nats-io/transport-node';

const encoder = new TextEncoder();
const ACK = encoder.encode('+ACK');
const NAK = encoder.encode('-NAK');
const WPI = encoder.encode('+WPI');
const TERM = encoder.encode('+TERM');

export interface DeliveryInfo {
  stream: string;
  consumer: string;
  /** 1 on the first delivery. */
  deliveryCount: number;
  streamSequence: number;
  /** Messages left for the consumer after this one, as the server saw it when delivering. */
  pending: number;
}

/**
 * `$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<dseq>.<ts>.<pending>` (nats-server 2.9), or
 * the newer `$JS.ACK.<domain>.<account>.<stream>.<consumer>.<delivered>.<sseq>.<dseq>.<ts>.<pending>.<token>`.
 */
export function parseAckSubject(reply: string): DeliveryInfo | undefined {
  const tokens = reply.split('.');
  if (tokens[0] !== '$JS' || tokens[1] !== 'ACK') return undefined;
  if (tokens.length === 9) tokens.splice(2, 0, '_', '');
  if (tokens.length < 11) return undefined;
  const [stream, consumer] = [tokens[4] ?? '', tokens[5] ?? ''];
  const [deliveryCount, streamSequence, pending] = [tokens[6], tokens[7], tokens[10]].map((t) => Number.parseInt(t ?? '', 10));
  if (deliveryCount === undefined || streamSequence === undefined || pending === undefined) return undefined;
  if (![deliveryCount, streamSequence, pending].every(Number.isFinite)) return undefined;
  return { stream, consumer, deliveryCount, streamSequence, pending };
}

export class PulledMessage {
  readonly info: DeliveryInfo;
  private settled = false;

  private constructor(
    private readonly msg: Msg,
    info: DeliveryInfo,
  ) {
    this.info = info;
  }

  /** Undefined when `msg` is not a JetStream delivery (no `$JS.ACK` reply). */
  static from(msg: Msg): PulledMessage | undefined {
    const info = msg.reply === undefined ? undefined : parseAckSubject(msg.reply);
    return info === undefined ? undefined : new PulledMessage(msg, info);
  }

  get subject(): string {
    return this.msg.subject;
  }
  get data(): Uint8Array {
    return this.msg.data;
  }
  get headers(): MsgHdrs | undefined {
    return this.msg.headers;
  }
  get seq(): number {
    return this.info.streamSequence;
  }
  /** True once ack, nak or term was sent. */
  get isSettled(): boolean {
    return this.settled;
  }

  ack(): void {
    this.settle(ACK);
  }

  /** Redeliver, after `delayMs` when given and positive. */
  nak(delayMs?: number): void {
    this.settle(delayMs !== undefined && delayMs > 0 ? encoder.encode(`-NAK ${JSON.stringify({ delay: nanos(delayMs) })}`) : NAK);
  }

  /** Never redeliver. Servers before 2.11 ignore a `+TERM <reason>` entirely: see terminate-message.ts. */
  term(reason = ''): void {
    this.settle(reason.length > 0 ? encoder.encode(`+TERM ${reason}`) : TERM);
  }

  /** Resets the ack wait; ignored once settled. */
  working(): void {
    if (!this.settled) this.msg.respond(WPI);
  }

  private settle(payload: Uint8Array): void {
    if (this.settled) return;
    this.settled = true;
    this.msg.respond(payload);
  }
}
