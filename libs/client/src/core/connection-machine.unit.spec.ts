import { describe, expect, it } from 'vitest';
import type { ConnectionSnapshot } from '../types';
import { resolveBackoff } from './backoff';
import { classifyRefusal, INITIAL_CONNECTION, stepConnection, type ConnectionInput } from './connection-machine';

const policy = resolveBackoff({ jitter: 0, maxAttempts: 3 });
const lost: ConnectionInput = { type: 'lost', now: 1_000, random: 0, error: { code: 'NETWORK_ERROR', message: 'gone' } };

function run(inputs: ConnectionInput[], from: ConnectionSnapshot = INITIAL_CONNECTION) {
  let snapshot = from;
  const delays: (number | undefined)[] = [];
  for (const input of inputs) {
    const step = stepConnection(snapshot, input, policy);
    snapshot = step.snapshot;
    delays.push(step.reconnectInMs);
  }
  return { snapshot, delays };
}

describe('connection state machine', () => {
  it('connecting → live after ready', () => {
    expect(run([{ type: 'opening' }]).snapshot).toEqual({ state: 'connecting', attempt: 0 });
    expect(run([{ type: 'opening' }, { type: 'ready', position: 'e:5' }]).snapshot).toEqual({ state: 'live', attempt: 0, position: 'e:5' });
  });

  it('reconnects with backoff, then goes offline after the last attempt', () => {
    const { snapshot, delays } = run([{ type: 'opening' }, { type: 'ready' }, lost, { type: 'opening' }, lost, { type: 'opening' }, lost, { type: 'opening' }, lost]);
    expect(delays.filter((d) => d !== undefined)).toEqual([1_000, 2_000, 4_000]);
    expect(snapshot).toMatchObject({ state: 'offline', attempt: 3, lastError: { code: 'NETWORK_ERROR' } });
  });

  it('says when the next attempt starts while waiting', () => {
    expect(run([{ type: 'ready' }, lost]).snapshot).toMatchObject({ state: 'reconnecting', attempt: 1, nextRetryAt: 2_000 });
    const attempting = run([{ type: 'ready' }, lost, { type: 'opening' }]).snapshot;
    expect(attempting).toMatchObject({ state: 'reconnecting', attempt: 1 });
    expect(attempting.nextRetryAt).toBeUndefined();
  });

  it('starts counting again after a ready', () => {
    const { snapshot } = run([lost, { type: 'opening' }, lost, { type: 'opening' }, { type: 'ready' }, lost]);
    expect(snapshot.attempt).toBe(1);
  });

  it('a 401 is auth-expired, with no reconnect', () => {
    const step = stepConnection(INITIAL_CONNECTION, { type: 'refused', error: { code: 'TOKEN_EXPIRED', message: 'x', status: 401 }, now: 0, random: 0 }, policy);
    expect(step).toEqual({ snapshot: { state: 'auth-expired', attempt: 0, lastError: { code: 'TOKEN_EXPIRED', message: 'x', status: 401 } } });
    expect(run([{ type: 'ready', position: 'e:1' }, { type: 'auth-expired' }]).snapshot).toEqual({ state: 'auth-expired', attempt: 0, position: 'e:1' });
  });

  it('a refusal no retry fixes goes offline at once; 5xx and 429 retry (after Retry-After)', () => {
    expect(stepConnection(INITIAL_CONNECTION, { type: 'refused', error: { code: 'MISSING_SCOPE', message: 'x', status: 403 }, now: 0, random: 0 }, policy).snapshot.state).toBe('offline');
    const limited = stepConnection(INITIAL_CONNECTION, { type: 'refused', error: { code: 'TOO_MANY_STREAMS', message: 'x', status: 429 }, retryAfterMs: 9_000, now: 0, random: 0 }, policy);
    expect(limited).toMatchObject({ snapshot: { state: 'reconnecting', attempt: 1 }, reconnectInMs: 9_000 });
    expect([500, 502, 503, 408, 429, undefined].map(classifyRefusal)).toEqual(['retry', 'retry', 'retry', 'retry', 'retry', 'retry']);
    expect([400, 403, 404, 401].map(classifyRefusal)).toEqual(['fatal', 'fatal', 'fatal', 'auth-expired']);
  });

  it('retry() starts over from offline or auth-expired, keeping the position', () => {
    expect(run([{ type: 'retry' }], { state: 'offline', attempt: 3, position: 'e:9', lastError: { code: 'X', message: 'x' } }).snapshot).toEqual({
      state: 'connecting',
      attempt: 0,
      position: 'e:9',
    });
  });

  it('a planned reopen of a live stream stays live', () => {
    const live = run([{ type: 'ready', position: 'e:3' }]).snapshot;
    expect(stepConnection(live, { type: 'opening' }, policy).snapshot).toBe(live);
  });
});
