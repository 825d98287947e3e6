// Runs a handler over a durable pull consumer, one message at a time. Every message is
// decoded and validated first: a malformed one is terminated, logged and counted (it can
// never succeed, so redelivering it would only block the queue) and the loop goes on.
// A message is acked only after its handler succeeded; a handler that throws gets a
// nak with a capped exponential backoff. stop() hands unstarted buffered messages back.
import { jetstream } from '@nats-io/jetstream';
import type { Consumer, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { ZodType } from 'zod';
import { invalidMessagesCounter } from './bus-metrics';
import { decodeMessage } from './decode-message';
import { API_CODES, isApiError } from './jetstream-api-errors';
import { headersToRecord, type MessageHeaders } from './message-headers';
import { nakDelayMs } from './nak-backoff';
import { settleResult } from './settle-result';
import { terminateMessage } from './terminate-message';
import { watchConsumerStatus } from './consumer-status';
import { BusConsumerNotFoundError, BusStreamNotFoundError } from './errors';
import { superviseLoop, type ConsumerHandle, type LoopControl } from './consume-loop';
import { inBusSpan, noteOutcome, processSpan } from './bus-tracing';
import { traceContextFromHeaders } from './trace-context';

/** What a handler decides: ack, redeliver after `nak` ms, or drop for good with a reason. */
export type HandlerResult = { ack: true } | { nak: number } | { term: string };

export interface DurableMessageContext {
  subject: string;
  streamSequence: number;
  /** 1 on the first delivery. */
  deliveryCount: number;
  headers: MessageHeaders;
  /** Tells the server the handler is still busy, resetting the ack wait. */
  working(): void;
}

export type DurableHandler<T> = (data: T, ctx: DurableMessageContext) => Promise<HandlerResult> | HandlerResult;

export interface ConsumeDurableOptions<T> {
  nc: NatsConnection;
  stream: string;
  durable: string;
  schema: ZodType<T>;
  logger: Logger;
  handler: DurableHandler<T>;
  /** Label for logs and metrics; defaults to the durable name. */
  name?: string;
  /** Messages pulled ahead of the handler; keep it small, their ack wait is already running. Default 10. */
  batchSize?: number;
}


async function getConsumer(nc: NatsConnection, stream: string, durable: string): Promise<Consumer> {
  try {
    return await jetstream(nc).consumers.get(stream, durable);
  } catch (error) {
    if (isApiError(error, API_CODES.streamNotFound)) throw new BusStreamNotFoundError(stream, { cause: error });
    if (isApiError(error, API_CODES.consumerNotFound)) throw new BusConsumerNotFoundError(stream, durable, { cause: error });
    throw error;
  }
}

export async function consumeDurable<T>(options: ConsumeDurableOptions<T>): Promise<ConsumerHandle> {
  const { nc, stream, durable, schema, handler, batchSize = 10 } = options;
  const label = options.name ?? durable;
  const log = options.logger.child({ stream, consumer: label });
  const invalidCounter = invalidMessagesCounter();
  const consumer = await getConsumer(nc, stream, durable);
  const maxDeliver = (await consumer.info(true)).config.max_deliver ?? -1;
  const messages = await consumer.consume({ max_messages: batchSize });
  watchConsumerStatus(messages, log);

  const settle = (msg: JsMsg, result: HandlerResult, where: Record<string, unknown>): void => settleResult(nc, log, msg, result, where);

  const handleOne = async (msg: JsMsg): Promise<void> => {
    const deliveryCount = msg.info.deliveryCount;
    const where = { subject: msg.subject, streamSequence: msg.seq, deliveryCount };
    const decoded = decodeMessage(msg.data, schema);
    if (!decoded.ok) {
      terminateMessage(nc, msg, decoded.reason);
      log.warn({ ...where, reason: decoded.reason }, 'terminated invalid message');
      invalidCounter.add(1, { stream, consumer: label });
      return;
    }
    const ctx: DurableMessageContext = { ...where, headers: headersToRecord(msg.headers), working: () => msg.working() };
    try {
      // In the message's trace when it names one: the handler's own calls join it.
      const result = await inBusSpan(processSpan(label, msg.subject, traceContextFromHeaders(ctx.headers), where), async (_ctx, span) => {
        const answer = await handler(decoded.data, ctx);
        noteOutcome(span, answer);
        return answer;
      });
      settle(msg, result, where);
    } catch (error) {
      const delayMs = nakDelayMs(deliveryCount);
      const lastDelivery = maxDeliver > 0 && deliveryCount >= maxDeliver;
      log.error(
        { ...where, err: error, nakDelayMs: delayMs, maxDeliver },
        lastDelivery ? 'handler failed on the last allowed delivery; the server will not redeliver' : 'handler failed; redelivering after backoff',
      );
      msg.nak(delayMs);
    }
  };

  const run = async (control: LoopControl): Promise<void> => {
    for await (const msg of messages) {
      if (control.stopping) {
        msg.nak(); // pulled but never started: let another replica take it now
        continue;
      }
      try {
        await handleOne(msg);
      } catch (error) {
        // Only settling itself can land here (e.g. the connection closed mid-way).
        log.error({ err: error, subject: msg.subject, streamSequence: msg.seq }, 'could not settle message');
      }
    }
  };

  return superviseLoop(run, { nc, messages, stream, label, log });
}
