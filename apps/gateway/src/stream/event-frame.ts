// One event as the fan-out hands it to connections: the SSE bytes, framed once, plus the
// few facts a connection decides on without parsing them again (coalescing, lag).
import type { FreshetEvent, StreamPosition } from '@freshet/contracts';
import type { CoalescibleFrame } from './coalesce';
import { eventFrameBytes } from './sse-frame';

export interface EventFrame extends CoalescibleFrame {
  seq: number;
  /** Event `time` in epoch ms (the delivery lag is measured from it). */
  timeMs: number;
  /** `id: <epoch>:<seq>\nevent: <type>\ndata: <json>\n\n`, shared by every connection it goes to. */
  bytes: Buffer;
}

export function eventFrame(position: StreamPosition, event: FreshetEvent): EventFrame {
  return {
    seq: position.seq,
    type: event.type,
    source: event.source,
    key: 'key' in event.data && event.type.startsWith('content.') ? event.data.key : undefined,
    timeMs: Date.parse(event.time),
    bytes: eventFrameBytes(position, event.type, event),
  };
}
