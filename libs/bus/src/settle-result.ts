// Turns a handler's answer into the message's acknowledgement, the same way for every
// consumer: ack, nak after a delay, or terminate with a logged reason.
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { HandlerResult } from './consume-durable';
import { terminateMessage } from './terminate-message';

export interface SettleableMessage {
  ack(): void;
  nak(delayMs?: number): void;
  term(reason?: string): void;
}

export function settleResult(nc: NatsConnection, log: Logger, msg: SettleableMessage, result: HandlerResult, where: Record<string, unknown>): void {
  if ('ack' in result) {
    msg.ack();
  } else if ('nak' in result) {
    msg.nak(Math.max(0, Math.round(result.nak)));
  } else if ('term' in result) {
    log.warn({ ...where, reason: result.term }, 'handler terminated message');
    terminateMessage(nc, msg, result.term);
  } else {
    const unexpected: never = result;
    throw new TypeError(`handler returned ${JSON.stringify(unexpected)}, expected { ack: true } | { nak: ms } | { term: reason }`);
  }
}
