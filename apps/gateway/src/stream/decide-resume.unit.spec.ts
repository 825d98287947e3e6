import { describe, expect, it } from 'vitest';
import { decideResume, lastEventIdOf, replayFilter, replayTooOld, type ResumeState } from './decide-resume';

const state: ResumeState = { epoch: 'ep1', hubSeq: 1_000, firstSeq: 101, lastSeq: 1_002 };
const limits = { maxEvents: 500 };

describe('lastEventIdOf', () => {
  it('prefers the header (a reconnecting EventSource updates it) over the query parameter', () => {
    expect(lastEventIdOf('ep1:9', 'ep1:3')).toBe('ep1:9');
    expect(lastEventIdOf(undefined, 'ep1:3')).toBe('ep1:3');
    expect(lastEventIdOf(undefined, undefined)).toBeUndefined();
    expect(lastEventIdOf('', undefined)).toBeUndefined();
  });

  it('turns a repeated header or parameter into something that resets', () => {
    expect(decideResume(lastEventIdOf(['ep1:1', 'ep1:2'], undefined), state, limits)).toEqual({ kind: 'reset', reason: 'malformed_last_event_id' });
    expect(decideResume(lastEventIdOf(undefined, ['ep1:1', 'ep1:2']), state, limits)).toEqual({ kind: 'reset', reason: 'malformed_last_event_id' });
  });
});

describe('decideResume', () => {
  it('goes live without an id', () => {
    expect(decideResume(undefined, state, limits)).toEqual({ kind: 'live' });
  });

  it('resets on a malformed id (old numeric ids included), never throws', () => {
    for (const bad of ['garbage', '123', 'ep1:', ':5', 'ep1:-1', 'ep1:1.5', 'a b:1', 'ep1:99999999999999999']) {
      expect(decideResume(bad, state, limits), bad).toEqual({ kind: 'reset', reason: 'malformed_last_event_id' });
    }
  });

  it('resets on another epoch', () => {
    expect(decideResume('ep0:900', state, limits)).toEqual({ kind: 'reset', reason: 'epoch_changed' });
  });

  it('resets a position beyond what the stream holds, but not one the hub has yet to dispatch', () => {
    expect(decideResume('ep1:1003', state, limits)).toEqual({ kind: 'reset', reason: 'ahead_of_stream' });
    expect(decideResume('ep1:1002', state, limits)).toEqual({ kind: 'replay', after: 1_002 });
    expect(decideResume('ep1:1000', state, limits)).toEqual({ kind: 'replay', after: 1_000 });
  });

  it('resets when the next event is no longer held', () => {
    expect(decideResume('ep1:99', state, limits)).toEqual({ kind: 'reset', reason: 'history_gone' });
    expect(decideResume('ep1:100', { ...state, firstSeq: 101 }, { maxEvents: 10_000 })).toEqual({ kind: 'replay', after: 100 });
    // A stream that never lost a message reports firstSeq 0 or 1: position 0 replays all.
    expect(decideResume('ep1:0', { ...state, firstSeq: 1 }, { maxEvents: 10_000 })).toEqual({ kind: 'replay', after: 0 });
    expect(decideResume('ep1:0', { ...state, firstSeq: 0, hubSeq: 0, lastSeq: 0 }, limits)).toEqual({ kind: 'replay', after: 0 });
  });

  it('resets when the replay would be longer than the limit, counted in stream sequences', () => {
    expect(decideResume('ep1:499', state, limits)).toEqual({ kind: 'reset', reason: 'replay_limit' });
    expect(decideResume('ep1:500', state, limits)).toEqual({ kind: 'replay', after: 500 });
    expect(decideResume('ep1:999', state, { maxEvents: 0 })).toEqual({ kind: 'reset', reason: 'replay_limit' });
    expect(decideResume('ep1:1000', state, { maxEvents: 0 })).toEqual({ kind: 'replay', after: 1_000 });
  });
});

describe('replayTooOld', () => {
  it('refuses a first event stored longer ago than the limit', () => {
    expect(replayTooOld(1_000, 61_000, 60_000)).toBe(false);
    expect(replayTooOld(1_000, 61_001, 60_000)).toBe(true);
  });
});

describe('replayFilter', () => {
  it('reads one source for a one-source stream, the tenant otherwise', () => {
    expect(replayFilter('p', 'acme', [{ kind: 'source', tenant: 'acme', source: 'orders' }])).toBe('p.evt.acme.orders.*.*');
    expect(replayFilter('p', 'acme', [{ kind: 'tenant', tenant: 'acme' }])).toBe('p.evt.acme.*.*.*');
    expect(
      replayFilter('p', 'acme', [
        { kind: 'source', tenant: 'acme', source: 'orders' },
        { kind: 'source', tenant: 'acme', source: 'users' },
      ]),
    ).toBe('p.evt.acme.*.*.*');
  });
});
