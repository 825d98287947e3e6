// SSE frames written by hand (decision 0011): the fan-out frames an event once and writes
// the same Buffer to every connection, which a per-connection serializer would defeat.
// A frame is `id:`/`event:`/`data:` lines and a blank line. The data is one line of JSON:
// JSON.stringify escapes CR and LF inside strings and adds no line breaks of its own, and
// CR/LF are the only line ends SSE knows, so the payload can never split a frame.
import { formatStreamPosition, type StreamPosition } from '@freshet/contracts';

/** Control events the gateway sends besides the events themselves. */
// Not `error`: an EventSource reserves that name for its own connection errors.
export const CONTROL_EVENTS = { ready: 'ready', reset: 'reset', disconnect: 'disconnect', authExpired: 'auth-expired' } as const;

/** Why a client must reload snapshots instead of resuming. */
export const RESET_REASONS = ['malformed_last_event_id', 'epoch_changed', 'ahead_of_stream', 'replay_limit', 'history_gone'] as const;
export type ResetReason = (typeof RESET_REASONS)[number];

const SAFE_EVENT_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

export function formatFrame(frame: { id?: string; event: string; data: unknown }): string {
  // Names are ours (event types, control names); a line break would forge fields.
  if (!SAFE_EVENT_NAME.test(frame.event)) throw new Error(`unsafe SSE event name ${JSON.stringify(frame.event)}`);
  if (frame.id !== undefined && /[\r\n\0]/.test(frame.id)) throw new Error(`unsafe SSE id ${JSON.stringify(frame.id)}`);
  const id = frame.id === undefined ? '' : `id: ${frame.id}\n`;
  return `${id}event: ${frame.event}\ndata: ${JSON.stringify(frame.data)}\n\n`;
}

/** The frame of one stream event: its position is its id, so the client can resume after it. */
export function eventFrameBytes(position: StreamPosition, type: string, event: unknown): Buffer {
  return Buffer.from(formatFrame({ id: formatStreamPosition(position), event: type, data: event }), 'utf8');
}

/** `retry:` tells an EventSource how long to wait before reconnecting. */
export function retryFrame(ms: number): string {
  return `retry: ${Math.max(0, Math.trunc(ms))}\n\n`;
}

/** A comment line: ignored by clients, but traffic for proxies that close idle connections. */
export const HEARTBEAT_FRAME = Buffer.from(':hb\n\n', 'utf8');
