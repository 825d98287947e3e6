// Which events of a batch a model still has to apply. A model holds the stream position it
// has applied up to; events reach it in stream order but may repeat what it already has
// (a resumed stream, a snapshot taken after some of them) or come from another epoch (the
// stream was reset or recreated, so its positions mean something else). One rule for every
// model: skip the ones at or before the applied position, stop at another epoch.
import type { FreshetEvent, StreamPosition } from '@freshet/contracts';

export interface PositionedEvent {
  position: StreamPosition;
  event: FreshetEvent;
}

export interface SequencedEvents {
  /** The events to apply, in order: the model's, after its position, of its epoch. */
  fresh: PositionedEvent[];
  /** The position after them (the model's own when there are none). */
  applied: StreamPosition;
  /** The model's events at or before its position, skipped. */
  duplicates: number;
  /** An event of another epoch came: the snapshot must be reloaded (nothing after it is in `fresh`). */
  needsReload: boolean;
}

export function sequenceEvents(applied: StreamPosition, events: ReadonlyArray<PositionedEvent>, isOurs: (event: FreshetEvent) => boolean): SequencedEvents {
  const fresh: PositionedEvent[] = [];
  let position = applied;
  let duplicates = 0;
  for (const positioned of events) {
    if (!isOurs(positioned.event)) continue;
    if (positioned.position.epoch !== position.epoch) return { fresh, applied: position, duplicates, needsReload: true };
    if (positioned.position.seq <= position.seq) {
      duplicates += 1;
      continue;
    }
    position = positioned.position;
    fresh.push(positioned);
  }
  return { fresh, applied: position, duplicates, needsReload: false };
}
