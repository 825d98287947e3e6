// A position in the events stream as clients see it: `<epoch>:<seq>`. It is the SSE `id:`
// of every event the gateway sends, the `position` of every snapshot, and what a client
// sends back as `Last-Event-ID`. The epoch names one incarnation of the stream: a stream
// that was reset or recreated starts its sequences over, and a position from the old one
// must never be taken for a position in the new one.
import { z } from 'zod';

export const EPOCH_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const POSITION_PATTERN = /^([A-Za-z0-9_-]{1,64}):(\d{1,15})$/;

export interface StreamPosition {
  epoch: string;
  /** JetStream stream sequence (0: before the first event). */
  seq: number;
}

export const streamPositionTextSchema = z.string().regex(POSITION_PATTERN, 'must be a stream position "<epoch>:<seq>"');

export function formatStreamPosition(position: StreamPosition): string {
  return `${position.epoch}:${position.seq}`;
}

/** The position, or undefined when the text is not one (a client's garbage is not an error: it starts over). */
export function parseStreamPosition(text: string): StreamPosition | undefined {
  const match = POSITION_PATTERN.exec(text);
  if (!match) return undefined;
  const seq = Number(match[2]);
  return Number.isSafeInteger(seq) ? { epoch: match[1] as string, seq } : undefined;
}
