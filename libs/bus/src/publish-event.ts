// Publishes one Freshet event on its subject, deduplicated by event id: the outbox relay
// may publish the same event again after a crash, and the stream keeps it once.
//
// Trace context travels in the headers only, never in the published body (which every
// consumer and, through the gateway, every browser sees). An event read from the store
// carries the context of the write that made it (`trace`, persisted with the row): the
// publish span continues that trace, wherever and whenever the relay runs. An event
// without one is published in the caller's context (e.g. the cache's own events).
import { context } from '@opentelemetry/api';
import type { JetStreamClient } from '@nats-io/jetstream';
import { freshetEventSchema, HEADERS, subjectForEvent, type FreshetEvent } from '@freshet/contracts';
import { inBusSpan, MESSAGING } from './bus-tracing';
import { outgoingHeaders } from './message-headers';
import { publishJson, validateOutgoing, type PublishResult } from './publish-message';
import { contextOfTraceFields } from './trace-context';

export async function publishEvent(js: JetStreamClient, prefix: string, event: FreshetEvent): Promise<PublishResult> {
  const { trace, ...body } = validateOutgoing('event', freshetEventSchema, event);
  const subject = subjectForEvent(prefix, body);
  const parent = trace === undefined ? context.active() : contextOfTraceFields(trace);
  return inBusSpan({ operation: 'publish', target: body.type, subject, parent, attributes: { [MESSAGING.messageId]: body.id } }, (ctx) =>
    publishJson(js, subject, body, { msgID: body.id, headers: outgoingHeaders(ctx, { [HEADERS.eventType]: body.type }) }),
  );
}
