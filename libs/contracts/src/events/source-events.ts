// source.* — what the platform knows about a source's freshness, for dashboards and
// subscribers. Derived by the cache from its view and the job events (stale-while-revalidate).
import { z } from 'zod';
import { envelopeFields } from './envelope';

/** The same values as a snapshot's `meta.state` (kept here: the cache contracts import the event union). */
export const sourceStateSchema = z.enum(['fresh', 'stale', 'revalidating', 'error']);
export type SourceState = z.infer<typeof sourceStateSchema>;

/** When the source's view was last synced; null when never. */
const lastSyncedAt = z.iso.datetime({ offset: true }).nullable();
/** Why: the failure's `code: message` for `error`, what asked for a sync for `revalidating`. */
const reason = z.string().max(2000);

/**
 * `jobId` is present exactly when a job is known to be the cause (`fresh`: the job that
 * completed, `error`: the one that failed) and absent otherwise, never optional: code
 * that narrows events with `'jobId' in event.data` (the scheduler's ledger) keeps a
 * `string` job id.
 */
export const sourceStatusDataSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('fresh'), jobId: z.uuid(), lastSyncedAt: lastSyncedAt.optional() }),
  z.object({ state: z.literal('error'), jobId: z.uuid(), reason, lastSyncedAt: lastSyncedAt.optional() }),
  z.object({ state: z.literal('revalidating'), reason: reason.optional(), lastSyncedAt: lastSyncedAt.optional() }),
  z.object({ state: z.literal('stale'), reason: reason.optional(), lastSyncedAt: lastSyncedAt.optional() }),
]);
export type SourceStatusData = z.infer<typeof sourceStatusDataSchema>;

export const sourceStatusSchema = z.object({
  ...envelopeFields,
  type: z.literal('source.status'),
  data: sourceStatusDataSchema,
});

export type SourceStatus = z.infer<typeof sourceStatusSchema>;
