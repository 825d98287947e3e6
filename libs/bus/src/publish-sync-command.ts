// Publishes a sync command on its priority tier's subject, deduplicated by command id so a
// retried request never queues the same command twice.
import type { JetStreamClient } from '@nats-io/jetstream';
import { syncCommandSchema, syncCommandSubject, tierForPriority, type SyncCommandInput } from '@freshet/contracts';
import { outgoingHeaders } from './message-headers';
import { publishJson, validateOutgoing, type PublishResult } from './publish-message';

/** Accepts the command before defaults (a SyncCommand is one too); publishes it with defaults applied. */
export async function publishSyncCommand(js: JetStreamClient, prefix: string, command: SyncCommandInput): Promise<PublishResult> {
  const valid = validateOutgoing('sync command', syncCommandSchema, command);
  const subject = syncCommandSubject(prefix, tierForPriority(valid.priority));
  return publishJson(js, subject, valid, { msgID: valid.commandId, headers: outgoingHeaders(valid.trace) });
}
