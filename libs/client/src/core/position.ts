// Stream positions `<epoch>:<seq>` (the format is the contracts'): parsing, and the only
// comparison that is meaningful — within one epoch. Positions of two epochs (a recreated
// stream) are not ordered at all.
import { formatStreamPosition, parseStreamPosition, type StreamPosition } from '@freshet/contracts';

export { formatStreamPosition, parseStreamPosition, type StreamPosition };

/** Negative, 0 or positive within one epoch; undefined across epochs. */
export function comparePositions(a: StreamPosition, b: StreamPosition): number | undefined {
  if (a.epoch !== b.epoch) return undefined;
  return a.seq - b.seq;
}

/** The earliest of the positions of `epoch`, or undefined when none is of it. */
export function earliestIn(epoch: string, positions: ReadonlyArray<StreamPosition | undefined>): StreamPosition | undefined {
  let earliest: StreamPosition | undefined;
  for (const position of positions) {
    if (position === undefined || position.epoch !== epoch) continue;
    if (earliest === undefined || position.seq < earliest.seq) earliest = position;
  }
  return earliest;
}
