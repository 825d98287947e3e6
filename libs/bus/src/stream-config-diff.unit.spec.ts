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

  it('refuses to change retention or storage, or to drop subjects', () => {
    const { differences } = diffStreamConfig({ ...wanted, retention: 'workqueue', storage: 'memory', subjects: ['p.evt.>', 'p.old.>'] }, wanted);
    expect(differences.filter((d) => !d.updatable).map((d) => d.field)).toEqual(['retention', 'storage', 'subjects']);
  });
});
