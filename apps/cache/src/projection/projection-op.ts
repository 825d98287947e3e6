// What one event does to a source's view, decided without I/O. Content events write or
// remove a record, job.completed stamps the sync time; every other event leaves the
// view alone (the consumer acks it without touching Redis).
import type { FreshetEvent } from '@freshet/contracts';

export type ProjectionOp =
  | { kind: 'put'; key: string; json: string }
  | { kind: 'delete'; key: string }
  | { kind: 'synced'; at: string };

export function projectionOpFor(event: FreshetEvent): ProjectionOp | undefined {
  switch (event.type) {
    case 'content.created':
    case 'content.updated':
      return { kind: 'put', key: event.data.key, json: JSON.stringify(event.data.record) };
    case 'content.deleted':
      return { kind: 'delete', key: event.data.key };
    case 'job.completed':
      return { kind: 'synced', at: event.time };
    default:
      return undefined;
  }
}

/** Event types the projection reads; anything else on the stream is acked and ignored. */
export function isProjectedFamily(type: string): boolean {
  return type.startsWith('content.') || type.startsWith('job.');
}
