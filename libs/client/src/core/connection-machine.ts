// The connection state of the one SSE stream, as pure transitions:
//   idle → connecting → live (after `ready`) → reconnecting (dropped; backoff) → live …
//   reconnecting → offline after the last attempt; retry() → connecting
//   a 401 at connect or an `auth-expired` event → auth-expired: no reconnect until retry()
// A refusal no retry can fix (400/403/404…) goes offline at once, with its error.
import type { ClientError, ConnectionSnapshot } from '../types';
import { reconnectDelay, type BackoffPolicy } from './backoff';

export type ConnectionInput =
  | { type: 'opening' }
  | { type: 'ready'; position?: string }
  | { type: 'position'; position: string }
  /** The stream failed or ended (network, idle timeout, the server closed it, a 5xx/429). */
  | { type: 'lost'; error?: ClientError; retryAfterMs?: number; now: number; random: number }
  /** The stream request was answered with an error status. */
  | { type: 'refused'; error: ClientError; retryAfterMs?: number; now: number; random: number }
  | { type: 'auth-expired'; error?: ClientError }
  | { type: 'retry' }
  | { type: 'idle' };

export interface ConnectionStep {
  snapshot: ConnectionSnapshot;
  /** Set when a reconnect must be attempted after this many ms. */
  reconnectInMs?: number;
}

export const INITIAL_CONNECTION: ConnectionSnapshot = Object.freeze({ state: 'idle', attempt: 0 });

/** What a refused stream request means: a credential to renew, a request no retry fixes, or a passing failure. */
export function classifyRefusal(status: number | undefined): 'auth-expired' | 'fatal' | 'retry' {
  if (status === 401) return 'auth-expired';
  if (status === undefined || status >= 500 || status === 408 || status === 425 || status === 429) return 'retry';
  return 'fatal';
}

function withPosition(position: string | undefined): Pick<ConnectionSnapshot, 'position'> {
  return position === undefined ? {} : { position };
}

export function stepConnection(current: ConnectionSnapshot, input: ConnectionInput, policy: BackoffPolicy): ConnectionStep {
  const position = withPosition(current.position);
  switch (input.type) {
    case 'opening':
      // A planned reopen (channels changed) of a live stream is not news for the user.
      if (current.state === 'live') return { snapshot: current };
      return { snapshot: { ...position, state: current.attempt > 0 ? 'reconnecting' : 'connecting', attempt: current.attempt, ...errorOf(current.lastError) } };
    case 'ready':
      return { snapshot: { state: 'live', attempt: 0, ...withPosition(input.position ?? current.position) } };
    case 'position':
      return { snapshot: { ...current, position: input.position } };
    case 'refused': {
      const kind = classifyRefusal(input.error.status);
      if (kind === 'auth-expired') return { snapshot: { ...position, state: 'auth-expired', attempt: current.attempt, lastError: input.error } };
      if (kind === 'fatal') return { snapshot: { ...position, state: 'offline', attempt: current.attempt, lastError: input.error } };
      return lose(current, input, policy);
    }
    case 'lost':
      return lose(current, input, policy);
    case 'auth-expired':
      return { snapshot: { ...position, state: 'auth-expired', attempt: current.attempt, ...errorOf(input.error) } };
    case 'retry':
      return { snapshot: { ...position, state: 'connecting', attempt: 0 } };
    case 'idle':
      return { snapshot: { ...position, state: 'idle', attempt: 0 } };
  }
}

function errorOf(error: ClientError | undefined): Pick<ConnectionSnapshot, 'lastError'> {
  return error === undefined ? {} : { lastError: error };
}

function lose(current: ConnectionSnapshot, input: { error?: ClientError; retryAfterMs?: number; now: number; random: number }, policy: BackoffPolicy): ConnectionStep {
  const attempt = current.attempt + 1;
  const delay = reconnectDelay(attempt, policy, input.random, input.retryAfterMs);
  const lastError = input.error ?? current.lastError;
  if (delay === undefined) return { snapshot: { ...withPosition(current.position), state: 'offline', attempt: current.attempt, ...errorOf(lastError) } };
  return {
    snapshot: { ...withPosition(current.position), state: 'reconnecting', attempt, nextRetryAt: input.now + delay, ...errorOf(lastError) },
    reconnectInMs: delay,
  };
}
