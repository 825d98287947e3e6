// Publishing a spec's events on its test stream, one after the other, so a test can wait
// for the cache to reflect the sequence of the last.
import type { JetStreamClient } from '@nats-io/jetstream';
import { publishEvent } from '@freshet/bus';
import type { FreshetEvent } from '@freshet/contracts';

/** Publishes `events` in order; resolves to the stream sequence of the last (0 for none). */
export async function publishAll(js: JetStreamClient, subjectPrefix: string, events: FreshetEvent[]): Promise<number> {
  let last = 0;
  for (const event of events) last = (await publishEvent(js, subjectPrefix, event)).seq;
  return last;
}
