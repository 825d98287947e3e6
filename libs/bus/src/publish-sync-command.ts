// Publishes a sync command on its priority tier's subject, deduplicated by command id so a
// retried request never queues the same command twice. Its trace context (the command's
// `trace`, e.g. the one the scheduler kept with the job, or else the caller's) goes out in
// the headers, not the body, like an event's.
import { context } from '@opentelemetry/api';
import type { JetStreamClient } from '@nats-io/jetstream';
import { syncCommandSchema, syncCommandSubject, tierForPriority, type SyncCommandInput } from '@freshet/contracts';
import { inBusSpan, MESSAGING } from './bus-tracing';
import { outgoingHeaders } from './message-headers';
import { publishJson, validateOutgoing, type PublishResult } from './publish-message';
import { contextOfTraceFields } from './trace-context';

/** Accepts the command before defaults (a SyncCommand is one too); publishes it with defaults applied. */
export async function publishSyncCommand(js: JetStreamClient, prefix: string, command: SyncCommandInput): Promise<PublishResult> {
  const { trace, ...body } = validateOutgoing('sync command', syncCommandSchema, command);
  const subject = syncCommandSubject(prefix, tierForPriority(body.priority));
  const parent = trace === undefined ? context.active() : contextOfTraceFields(trace);
  return inBusSpan({ operation: 'publish', target: body.type, subject, parent, attributes: { [MESSAGING.messageId]: body.commandId } }, (ctx) =>
    publishJson(js, subject, body, { msgID: body.commandId, headers: outgoingHeaders(ctx) }),
  );
}
