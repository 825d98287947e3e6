// The envelope every event carries, on the bus and in the store.
import { z } from 'zod';
import { eventSourceSchema, tenantIdSchema } from '../tokens';

/** W3C trace context, so one trace follows an event across HTTP and NATS hops. */
export const traceContextSchema = z.object({
  traceparent: z.string().regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/, 'must be a W3C traceparent'),
  tracestate: z.string().max(512).optional(),
});
export type TraceContext = z.infer<typeof traceContextSchema>;

/** Fields shared by every event; `type` and `data` are fixed per event kind. */
export const envelopeFields = {
  /** Stable unique id: the dedup key on JetStream (Nats-Msg-Id) and in every consumer. */
  id: z.uuid(),
  tenant: tenantIdSchema,
  source: eventSourceSchema,
  /** When the fact happened (ISO 8601, UTC). */
  time: z.iso.datetime({ offset: true }),
  trace: traceContextSchema.optional(),
};
