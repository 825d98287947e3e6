// Valid events for tests, built from the contracts so they fail loudly if a contract changes.
import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@freshet/contracts';

export function contentCreated(key: string, { tenant = 'acme', source = 'orders' } = {}): NewEvent {
  return {
    type: 'content.created',
    tenant,
    source,
    data: { key, hash: `h-${key}`, record: { id: key, tags: ['a', 'b'] }, jobId: randomUUID() },
  };
}

export function jobQueued({ tenant = 'acme', source = 'orders' } = {}): NewEvent {
  return { type: 'job.queued', tenant, source, data: { jobId: randomUUID(), priority: 5, mode: 'incremental', reason: 'test' } };
}
