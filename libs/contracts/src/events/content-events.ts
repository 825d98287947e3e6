// content.* — what changed in a source's records after a sync.
import { z } from 'zod';
import { envelopeFields } from './envelope';

/** Primary key of a record inside its source, as a string (numeric ids are stringified). */
export const recordKeySchema = z.string().min(1).max(512);
export const recordSchema = z.record(z.string(), z.unknown());
export type UpstreamRecord = z.infer<typeof recordSchema>;

export const contentCreatedSchema = z.object({
  ...envelopeFields,
  type: z.literal('content.created'),
  data: z.object({ key: recordKeySchema, hash: z.string(), record: recordSchema, jobId: z.uuid() }),
});

export const contentUpdatedSchema = z.object({
  ...envelopeFields,
  type: z.literal('content.updated'),
  data: z.object({
    key: recordKeySchema,
    hash: z.string(),
    previousHash: z.string(),
    record: recordSchema,
    jobId: z.uuid(),
  }),
});

export const contentDeletedSchema = z.object({
  ...envelopeFields,
  type: z.literal('content.deleted'),
  data: z.object({ key: recordKeySchema, previousHash: z.string(), jobId: z.uuid() }),
});

export type ContentCreated = z.infer<typeof contentCreatedSchema>;
export type ContentUpdated = z.infer<typeof contentUpdatedSchema>;
export type ContentDeleted = z.infer<typeof contentDeletedSchema>;
