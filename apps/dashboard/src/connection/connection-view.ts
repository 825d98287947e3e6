// How the connection indicator looks for a state: its tone (the dot's colour), whether it
// offers "reconnect now", and the seconds left before the next automatic attempt.
import type { ConnectionSnapshot, ConnectionState } from '@freshet/client';

export type Tone = 'ok' | 'busy' | 'bad' | 'idle';

const TONES: Record<ConnectionState, Tone> = {
  idle: 'idle',
  connecting: 'busy',
  live: 'ok',
  reconnecting: 'busy',
  offline: 'bad',
  'auth-expired': 'bad',
};

export function connectionTone(state: ConnectionState): Tone {
  return TONES[state];
}

/** Offline waits for the reader; an expired session needs a new sign-in, not a reconnect. */
export function offersReconnect(state: ConnectionState): boolean {
  return state === 'offline' || state === 'reconnecting';
}

/** Whole seconds until the next attempt (rounded up), while reconnecting. */
export function secondsUntilRetry(connection: Pick<ConnectionSnapshot, 'state' | 'nextRetryAt'>, now: number): number | undefined {
  if (connection.state !== 'reconnecting' || connection.nextRetryAt === undefined) return undefined;
  return Math.max(0, Math.ceil((connection.nextRetryAt - now) / 1000));
}
