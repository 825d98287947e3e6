// Internal request/reply payloads, shared by the service that answers and its callers.
import { z } from 'zod';
import { sourceIdSchema, tenantIdSchema } from './tokens';
import { sourceInfoSchema } from './sources/source-definition';

export const getSourceRequestSchema = z.object({ tenant: tenantIdSchema, source: sourceIdSchema });
export type GetSourceRequest = z.infer<typeof getSourceRequestSchema>;

export const rpcErrorSchema = z.object({ code: z.string(), message: z.string() });

export const getSourceReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), source: sourceInfoSchema }),
  z.object({ ok: z.literal(false), error: rpcErrorSchema }),
]);
export type GetSourceReply = z.infer<typeof getSourceReplySchema>;
