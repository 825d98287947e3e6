// Pure: the last word on each key in a run of content events (in stream order) —
// what a batch of replayed events leaves in the records projection.
import type { FreshetEvent } from '@freshet/contracts';

export type RecordOutcome = { kind: 'upsert'; hash: string; record: Record<string, unknown> } | { kind: 'delete' };

export function foldContentEvents(events: readonly FreshetEvent[]): Map<string, RecordOutcome> {
  const outcome = new Map<string, RecordOutcome>();
  for (const event of events) {
    switch (event.type) {
      case 'content.created':
      case 'content.updated':
        outcome.set(event.data.key, { kind: 'upsert', hash: event.data.hash, record: event.data.record });
        break;
      case 'content.deleted':
        outcome.set(event.data.key, { kind: 'delete' });
        break;
      default:
        break;
    }
  }
  return outcome;
}
