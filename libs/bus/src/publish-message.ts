// The one way Freshet publishes to JetStream: validate against the contract first (an
// invalid message is refused here, not discovered by every consumer), publish JSON with a
// Nats-Msg-Id so the server drops duplicates inside the stream's window, and turn client
// failures into a typed error naming the subject.
import type { JetStreamClient } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';
import type { ZodType } from 'zod';
import { summarizeIssues } from './decode-message';
import { InvalidOutgoingMessageError, PublishFailedError } from './errors';

export interface PublishResult {
  /** Stream sequence of the stored message (of the original one when `duplicate`). */
  seq: number;
  /** True when the server had already stored a message with this id inside its dedup window. */
  duplicate: boolean;
}

export function validateOutgoing<T>(kind: string, schema: ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InvalidOutgoingMessageError(kind, summarizeIssues(parsed.error.issues), { cause: parsed.error });
  return parsed.data;
}

export async function publishJson(
  js: JetStreamClient,
  subject: string,
  payload: unknown,
  options: { msgID: string; headers: MsgHdrs },
): Promise<PublishResult> {
  try {
    const ack = await js.publish(subject, JSON.stringify(payload), { msgID: options.msgID, headers: options.headers });
    return { seq: ack.seq, duplicate: ack.duplicate };
  } catch (error) {
    throw new PublishFailedError(subject, { cause: error });
  }
}
