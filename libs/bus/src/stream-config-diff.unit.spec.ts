import { describe, expect, it } from 'vitest';
import { busTopology } from './bus-topology';
import { diffStreamConfig } from './stream-config-diff';

const wanted = busTopology({ prefix: 'p', eventsStream: 'E', commandsStream: 'C', eventsMaxAgeMs: 86_400_000 }).events;

describe('diffStreamConfig', () => {
  it('finds nothing when the stream matches', () => {
    expect(diffStreamConfig({ ...wanted }, wanted)).toEqual({ differences: [], update: {} });
  });

  it('marks max age, dedup window and added subjects as updatable, with readable values', () => {
    const { differences, update } = diffStreamConfig(
      { ...wanted, max_age: 3_600_000 * 1e6, duplicate_window: 60_000 * 1e6, subjects: [] },
      { ...wanted, subjects: ['p.evt.>', 'p.more.>'] },
    );
    expect(differences).toEqual([
      { field: 'max_age', existing: '1h', wanted: '1d', updatable: true },
      { field: 'duplicate_window', existing: '1m', wanted: '2m', updatable: true },
      { field: 'subjects', existing: '[]', wanted: '["p.evt.>","p.more.>"]', updatable: true },
    ]);
    expect(update).toEqual({ max_age: wanted.max_age, duplicate_window: wanted.duplicate_window, subjects: ['p.evt.>', 'p.more.>'] });
  });

  it('changes the replica count in place, up or down, and counts a stream without one as a single replica', () => {
    const three = { ...wanted, num_replicas: 3 };
    expect(diffStreamConfig({ ...wanted }, three)).toEqual({
      differences: [{ field: 'num_replicas', existing: '1', wanted: '3', updatable: true }],
      update: { num_replicas: 3 },
    });
    expect(diffStreamConfig(three, wanted)).toEqual({
      differences: [{ field: 'num_replicas', existing: '3', wanted: '1', updatable: true }],
      update: { num_replicas: 1 },
    });
    const { num_replicas: _unset, ...withoutCount } = wanted;
    expect(diffStreamConfig(withoutCount as typeof wanted, wanted)).toEqual({ differences: [], update: {} });
    expect(diffStreamConfig(withoutCount as typeof wanted, three).update).toEqual({ num_replicas: 3 });
  });

  it('lists a replica change next to a conflict, so the error shows every difference', () => {
    const { differences } = diffStreamConfig({ ...wanted, storage: 'memory' }, { ...wanted, num_replicas: 3 });
    expect(differences).toEqual([
      { field: 'storage', existing: '"memory"', wanted: '"file"', updatable: false },
      { field: 'num_replicas', existing: '1', wanted: '3', updatable: true },
    ]);
  });

  it('refuses to change retention or storage, or to drop subjects', () => {
    const { differences } = diffStreamConfig({ ...wanted, retention: 'workqueue', storage: 'memory', subjects: ['p.evt.>', 'p.old.>'] }, wanted);
    expect(differences.filter((d) => !d.updatable).map((d) => d.field)).toEqual(['retention', 'storage', 'subjects']);
  });
});
