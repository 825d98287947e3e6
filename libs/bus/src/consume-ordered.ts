// Follows a stream in order for live fan-out, on an ephemeral ordered consumer (the client
// recreates it after a gap, resuming after the last delivered sequence). Nothing is acked,
// so nothing can be terminated: an invalid message is skipped, logged and counted.
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import type { OrderedConsumerOptions } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { ZodType } from 'zod';
import { invalidMessagesCounter } from './bus-metrics';
import { decodeMessage } from './decode-message';
import { headersToRecord, type MessageHeaders } from './message-headers';
import { watchConsumerStatus } from './consumer-status';
import { streamState } from './stream-last-sequence';
import { superviseLoop, type ConsumerHandle, type LoopControl } from './consume-loop';
import { InvalidConsumerOptionsError, StreamHistoryGoneError } from './errors';

export interface OrderedMessageMeta {
  subject: string;
  streamSequence: number;
  headers: MessageHeaders;
}

export interface ConsumeOrderedOptions<T> {
  nc: NatsConnection;
  stream: string;
  /** One subject (wildcards allowed): nats-server 2.9 has no multi-subject filters. */
  filterSubject: string;
  /** Deliver from this stream sequence on (inclusive); omitted = only messages stored from now on. */
  startSequence?: number;
  schema: ZodType<T>;
  logger: Logger;
  /** Awaited before the next message. A throw is logged and the message skipped: nothing redelivers it. */
  onMessage(data: T, meta: OrderedMessageMeta): Promise<void> | void;
  /** Label for logs and metrics; defaults to "ordered". */
  name?: string;
}

async function orderedOptions(nc: NatsConnection, stream: string, filterSubject: string, startSequence: number | undefined): Promise<Partial<OrderedConsumerOptions>> {
  if (startSequence === undefined) return { filter_subjects: filterSubject, deliver_policy: DeliverPolicy.New };
  if (!Number.isInteger(startSequence) || startSequence < 1) {
    throw new InvalidConsumerOptionsError(`startSequence must be a positive integer, got ${startSequence}`);
  }
  // Asking for history the stream no longer holds would silently start later: refuse instead,
  // so the caller can reload a snapshot.
  const state = await streamState(nc, stream);
  if (startSequence < state.first_seq) {
    throw new StreamHistoryGoneError(stream, startSequence, state.first_seq);
  }
  return { filter_subjects: filterSubject, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSequence };
}

export async function consumeOrdered<T>(options: ConsumeOrderedOptions<T>): Promise<ConsumerHandle> {
  const { nc, stream, filterSubject, startSequence, schema, onMessage } = options;
  const label = options.name ?? 'ordered';
  const log = options.logger.child({ stream, consumer: label, filterSubject });
  const invalidCounter = invalidMessagesCounter();
  const consumer = await jetstream(nc).consumers.get(stream, await orderedOptions(nc, stream, filterSubject, startSequence));
  const messages = await consumer.consume();
  watchConsumerStatus(messages, log);

  const run = async (control: LoopControl): Promise<void> => {
    for await (const msg of messages) {
      if (control.stopping) break;
      const meta: OrderedMessageMeta = { subject: msg.subject, streamSequence: msg.seq, headers: headersToRecord(msg.headers) };
      const decoded = decodeMessage(msg.data, schema);
      if (!decoded.ok) {
        log.warn({ subject: meta.subject, streamSequence: meta.streamSequence, reason: decoded.reason }, 'skipped invalid message');
        invalidCounter.add(1, { stream, consumer: label });
        continue;
      }
      try {
        await onMessage(decoded.data, meta);
      } catch (error) {
        log.error({ err: error, subject: meta.subject, streamSequence: meta.streamSequence }, 'onMessage failed; message skipped');
      }
    }
  };

  return superviseLoop(run, { nc, messages, stream, label, log });
}
