// What a source remembers between syncs, per strategy. Stored by ingest with the
// source and only ever advanced in the transaction that stores the data behind it.
import { z } from 'zod';

export const syncCursorSchema = z
  .object({
    /** stopAtId: the newest key of the last complete sync. */
    lastSeenId: z.string().optional(),
    /** updatedSince: the highest updated field stored so far. */
    since: z.string().optional(),
    /** etag / stopAtId: the ETag of page 1 at the last sync. */
    etag: z.string().optional(),
    /** Pages of the last full listing, to count the requests an incremental sync saved. */
    totalPages: z.number().int().nonnegative().optional(),
    /** respectExpires: the upstream's Expires for page 1; no request is worth sending before it. */
    expiresAt: z.string().optional(),
  })
  .strict();
export type SyncCursor = z.infer<typeof syncCursorSchema>;
