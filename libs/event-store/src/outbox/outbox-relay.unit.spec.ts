// Relay option validation (pure: no database is touched).
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { EventStoreDatabase } from '../db/event-store-database';
import { InvalidRelayOptionsError } from '../errors';
import { createOutboxRelay } from './outbox-relay';

describe('createOutboxRelay options', () => {
  const db = {} as Kysely<EventStoreDatabase>;
  const publish = async () => undefined;

  it('rejects options that would spin or never run', () => {
    expect(() => createOutboxRelay({ db, name: 'r', publish, batchSize: 0 })).toThrow(InvalidRelayOptionsError);
    expect(() => createOutboxRelay({ db, name: 'r', publish, pollIntervalMs: -1 })).toThrow(InvalidRelayOptionsError);
    expect(() => createOutboxRelay({ db, name: 'r', publish })).not.toThrow();
  });
});
