// Turns what domain code decided (NewEvent, maybe without id/time) into validated
// FreshetEvents before anything touches the database, so one bad event rejects the whole
// append with a typed error and nothing is written.
import { randomUUID } from 'node:crypto';
import { freshetEventSchema, type FreshetEvent, type NewEvent } from '@freshet/contracts';
import { InvalidEventError } from './errors';

export function prepareEvents(streamId: string, events: readonly NewEvent[], now: () => Date = () => new Date()): FreshetEvent[] {
  return events.map((event, index) => {
    const parsed = freshetEventSchema.safeParse({
      ...event,
      id: event.id ?? randomUUID(),
      time: event.time ?? now().toISOString(),
    });
    if (!parsed.success) throw new InvalidEventError(streamId, index, { cause: parsed.error });
    // Times are stored and read back in UTC; the append's answer says the same.
    return { ...parsed.data, time: new Date(parsed.data.time).toISOString() };
  });
}
