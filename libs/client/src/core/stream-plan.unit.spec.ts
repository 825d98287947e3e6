import { describe, expect, it } from 'vitest';
import { planStream, type ChannelDemand } from './stream-plan';

const at = (seq: number, epoch = 'e1') => ({ epoch, seq });
const demand = (channel: string, seq: number, joined: boolean, epoch = 'e1'): ChannelDemand => ({ channel, position: at(seq, epoch), joined });
const closed = { open: false, channels: [] };

describe('stream plan: channels and Last-Event-ID', () => {
  it('does nothing without demand, and closes an open stream', () => {
    expect(planStream([], closed)).toEqual({ kind: 'idle' });
    expect(planStream([], { open: true, channels: ['source:a'], position: at(3) })).toEqual({ kind: 'close' });
  });

  it('first open: every channel, from the earliest snapshot position', () => {
    expect(planStream([demand('source:b', 40, false), demand('source:a', 25, false), demand('admin', 90, false)], closed)).toEqual({
      kind: 'open',
      channels: ['admin', 'source:a', 'source:b'],
      lastEventId: at(25),
      rebase: [],
    });
  });

  it('keeps the stream when a store joins at or after its position on the same channels', () => {
    const current = { open: true, channels: ['source:a'], position: at(50) };
    expect(planStream([demand('source:a', 50, false)], current)).toEqual({ kind: 'keep', join: ['source:a'], rebase: [] });
    expect(planStream([demand('source:a', 70, false)], current)).toEqual({ kind: 'keep', join: ['source:a'], rebase: [] });
    expect(planStream([demand('source:a', 20, true)], current)).toEqual({ kind: 'keep', join: [], rebase: [] });
  });

  it('reopens from min(stream position, new snapshot) when a channel is added', () => {
    const current = { open: true, channels: ['source:a'], position: at(50) };
    expect(planStream([demand('source:a', 20, true), demand('source:b', 35, false)], current)).toMatchObject({
      kind: 'open',
      channels: ['source:a', 'source:b'],
      lastEventId: at(35),
    });
    expect(planStream([demand('source:a', 20, true), demand('source:b', 80, false)], current)).toMatchObject({ kind: 'open', lastEventId: at(50) });
  });

  it('reopens when a reloaded store is behind the stream on the same channels', () => {
    const current = { open: true, channels: ['source:a', 'source:b'], position: at(50) };
    expect(planStream([demand('source:a', 20, true), demand('source:b', 45, false)], current)).toMatchObject({ kind: 'open', lastEventId: at(45) });
  });

  it('reopens without a released channel, from the stream position', () => {
    const current = { open: true, channels: ['source:a', 'source:b'], position: at(50) };
    expect(planStream([demand('source:a', 20, true)], current)).toEqual({ kind: 'open', channels: ['source:a'], lastEventId: at(50), rebase: [] });
  });

  it('reconnects a lost stream from its last position', () => {
    expect(planStream([demand('source:a', 20, true), demand('admin', 30, true)], { open: false, channels: [], position: at(77) })).toEqual({
      kind: 'open',
      channels: ['admin', 'source:a'],
      lastEventId: at(77),
      rebase: [],
    });
  });

  it('after a reset, resumes from the reloaded snapshots only (not the reset position)', () => {
    const plan = planStream([demand('source:a', 95, false), demand('source:b', 98, false)], { open: false, channels: [], position: at(100) });
    expect(plan).toMatchObject({ kind: 'open', lastEventId: at(95), rebase: [] });
  });

  it("rebases snapshots of another epoch than the gateway's instead of resetting forever", () => {
    // The gateway moved to e2 (reset position), the cache still answers with e1 positions.
    const plan = planStream([demand('source:a', 95, false, 'e1'), demand('source:b', 7, false, 'e2')], { open: false, channels: [], position: at(10, 'e2') });
    expect(plan).toEqual({ kind: 'open', channels: ['source:a', 'source:b'], lastEventId: at(7, 'e2'), rebase: ['source:a'] });
    const all = planStream([demand('source:a', 95, false, 'e1')], { open: false, channels: [], position: at(10, 'e2') });
    expect(all).toEqual({ kind: 'open', channels: ['source:a'], lastEventId: at(10, 'e2'), rebase: ['source:a'] });
    const keep = planStream([demand('source:a', 95, false, 'e1')], { open: true, channels: ['source:a'], position: at(10, 'e2') });
    expect(keep).toEqual({ kind: 'keep', join: ['source:a'], rebase: ['source:a'] });
  });
});
