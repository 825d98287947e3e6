import { describe, expect, it } from 'vitest';
import { busTopology } from './bus-topology';
import { InvalidTopologyError } from './errors';

const NS_PER_MS = 1_000_000;
const base = { prefix: 'freshet', eventsStream: 'FRESHET_EVENTS', commandsStream: 'FRESHET_SYNC_COMMANDS', eventsMaxAgeMs: 7 * 86_400_000 };

describe('busTopology', () => {
  it('describes the events stream: limits retention, file storage, max age from config, 2 min dedup, discard old, one replica', () => {
    expect(busTopology(base).events).toEqual({
      name: 'FRESHET_EVENTS',
      subjects: ['freshet.evt.>'],
      retention: 'limits',
      storage: 'file',
      discard: 'old',
      max_age: 7 * 86_400_000 * NS_PER_MS,
      duplicate_window: 120_000 * NS_PER_MS,
      num_replicas: 1,
    });
  });

  it('describes the sync-command work queue: workqueue retention, file storage, 2 min dedup, one replica', () => {
    expect(busTopology(base).commands).toEqual({
      name: 'FRESHET_SYNC_COMMANDS',
      subjects: ['freshet.cmd.sync.>'],
      retention: 'workqueue',
      storage: 'file',
      discard: 'old',
      max_age: 0,
      duplicate_window: 120_000 * NS_PER_MS,
      num_replicas: 1,
    });
  });

  it('uses the prefix for both streams and a longer dedup window when asked', () => {
    const t = busTopology({ ...base, prefix: 'ft_abc', duplicateWindowMs: 600_000 });
    expect(t.events.subjects).toEqual(['ft_abc.evt.>']);
    expect(t.commands.subjects).toEqual(['ft_abc.cmd.sync.>']);
    expect(t.events.duplicate_window).toBe(600_000 * NS_PER_MS);
    expect(t.commands.duplicate_window).toBe(120_000 * NS_PER_MS);
  });

  it('gives both streams the replica count asked for', () => {
    const t = busTopology({ ...base, replicas: 3 });
    expect([t.events.num_replicas, t.commands.num_replicas]).toEqual([3, 3]);
    expect(busTopology({ ...base, replicas: 5 }).commands.num_replicas).toBe(5);
  });

  it('allows an unlimited max age (0)', () => {
    expect(busTopology({ ...base, eventsMaxAgeMs: 0 }).events.max_age).toBe(0);
  });

  it.each([
    [{ duplicateWindowMs: 60_000 }, /duplicateWindowMs must be an integer of at least 120000/],
    [{ eventsMaxAgeMs: 60_000 }, /must not exceed eventsMaxAgeMs/],
    [{ eventsMaxAgeMs: -1 }, /eventsMaxAgeMs must be a non-negative integer/],
    [{ eventsStream: 'BAD.NAME' }, /eventsStream "BAD.NAME"/],
    [{ commandsStream: 'FRESHET_EVENTS' }, /both "FRESHET_EVENTS"/],
    [{ prefix: 'a.b' }, /prefix "a.b" is not a valid subject token/],
    [{ replicas: 0 }, /replicas must be an integer from 1 to 5, got 0/],
    [{ replicas: 6 }, /replicas must be an integer from 1 to 5, got 6/],
    [{ replicas: 1.5 }, /replicas must be an integer from 1 to 5, got 1.5/],
  ])('refuses %o with a typed error', (override, message) => {
    const attempt = () => busTopology({ ...base, ...override });
    expect(attempt).toThrow(InvalidTopologyError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect((error as InvalidTopologyError).code).toBe('INVALID_BUS_TOPOLOGY');
    }
  });
});
