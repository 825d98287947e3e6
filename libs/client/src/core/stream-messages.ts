// What one SSE message of the gateway means (apps/gateway/README.md "SSE protocol"): a
// control event (ready, reset, disconnect, auth-expired) or a positioned Freshet event.
// Anything else is malformed: ignored by the client and counted.
import { freshetEventSchema, type FreshetEvent } from '@freshet/contracts';
import { parseStreamPosition, type StreamPosition } from './position';

export interface RawMessage {
  id?: string;
  event?: string;
  data: string;
}

export type StreamMessage =
  /** `position` is the message's id (the client's own position; none when the connect resets); `live` where delivery continues. */
  | { kind: 'ready'; position?: StreamPosition; live?: StreamPosition; channels: string[] }
  /** Reload snapshots; the stream goes on after `position`. */
  | { kind: 'reset'; reason: string; position?: StreamPosition }
  | { kind: 'disconnect'; reason: string }
  | { kind: 'auth-expired'; expiresAt?: string }
  | { kind: 'event'; position: StreamPosition; event: FreshetEvent }
  /** `position` when the id was fine (the stream is past it even if the event is not understood). */
  | { kind: 'malformed'; reason: string; position?: StreamPosition };

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function field(data: unknown, name: string): unknown {
  return typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[name] : undefined;
}

function positionOf(text: unknown): StreamPosition | undefined {
  return typeof text === 'string' ? parseStreamPosition(text) : undefined;
}

// Control events are read leniently: a gateway that adds a field, or sends less, still
// gets the protocol's reaction (a reset still reloads, an auth-expired still stops).
export function classifyMessage(message: RawMessage): StreamMessage {
  const data = parseJson(message.data);
  switch (message.event) {
    case 'ready': {
      const channels = field(data, 'channels');
      return {
        kind: 'ready',
        position: positionOf(message.id),
        live: positionOf(field(data, 'position')),
        channels: Array.isArray(channels) ? channels.filter((c): c is string => typeof c === 'string') : [],
      };
    }
    case 'reset': {
      const reason = field(data, 'reason');
      return { kind: 'reset', reason: typeof reason === 'string' ? reason : 'unknown', position: positionOf(field(data, 'position')) ?? positionOf(message.id) };
    }
    case 'disconnect': {
      const reason = field(data, 'reason');
      return { kind: 'disconnect', reason: typeof reason === 'string' ? reason : 'unknown' };
    }
    case 'auth-expired': {
      const expiresAt = field(data, 'expiresAt');
      return { kind: 'auth-expired', ...(typeof expiresAt === 'string' ? { expiresAt } : {}) };
    }
    default:
      return classifyEvent(message, data);
  }
}

function classifyEvent(message: RawMessage, data: unknown): StreamMessage {
  const position = positionOf(message.id);
  if (position === undefined) return { kind: 'malformed', reason: `bad or missing id ${JSON.stringify(message.id ?? null)}` };
  if (data === undefined) return { kind: 'malformed', reason: 'data is not JSON', position };
  const parsed = freshetEventSchema.safeParse(data);
  if (!parsed.success) return { kind: 'malformed', reason: `not a Freshet event: ${parsed.error.issues[0]?.message ?? 'invalid'}`, position };
  if (message.event !== undefined && message.event !== parsed.data.type) {
    return { kind: 'malformed', reason: `event name ${message.event} differs from its type ${parsed.data.type}`, position };
  }
  return { kind: 'event', position, event: parsed.data };
}
