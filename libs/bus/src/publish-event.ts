// Publishes one Freshet event on its subject, deduplicated by event id: the outbox relay
// may publish the same event again after a crash, and the stream keeps it once.
import type { JetStreamClient } from '@nats-io/jetstream';
import { freshetEventSchema, HEADERS, subjectForEvent, type FreshetEvent } from '@freshet/contracts';
import { outgoingHeaders } from './message-headers';
import { publishJson, validateOutgoing, type PublishResult } from './publish-message';

export async function publishEvent(js: JetStreamClient, prefix: string, event: FreshetEvent): Promise<PublishResult> {
  const valid = validateOutgoing('event', freshetEventSchema, event);
  const subject = subjectForEvent(prefix, valid);
  return publishJson(js, subject, valid, {
    msgID: valid.id,
    headers: outgoingHeaders(valid.trace, { [HEADERS.eventType]: valid.type }),
  });
}
