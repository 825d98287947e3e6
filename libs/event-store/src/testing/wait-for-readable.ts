// readAll only returns events below the oldest running writer in the whole database, and
// other test files (or other engineers' suites) share that database. Tests that expect
// events to be readable wait for it instead of assuming it right after commit.
import type { Kysely } from 'kysely';
import { waitFor } from '@freshet/testkit';
import type { EventStoreDatabase } from '../db/event-store-database';
import { readAll } from '../read-all';

export async function waitForReadable(db: Kysely<EventStoreDatabase>, eventIds: readonly string[]): Promise<void> {
  await waitFor(
    async () => {
      const readable = new Set((await readAll(db, { limit: 100_000 })).map((e) => e.event.id));
      return eventIds.every((id) => readable.has(id));
    },
    { timeoutMs: 20_000, message: `${eventIds.length} events to become readable` },
  );
}
