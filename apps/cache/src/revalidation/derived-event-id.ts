// A deterministic event id for an event the cache derives from another one (a
// source.status from a job.completed, say): redelivering the cause and deriving again
// publishes the same id, and JetStream's duplicate window keeps the event once.
import { createHash } from 'node:crypto';

/** A name-based (version 5 layout) UUID from the cause's id and what was derived from it. */
export function derivedEventId(causeId: string, what: string): string {
  const bytes = createHash('sha1').update(`${causeId}\u0000${what}`).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
