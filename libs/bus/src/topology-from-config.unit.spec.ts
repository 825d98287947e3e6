import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig, natsEnv } from '@freshet/config';
import { InvalidTopologyError } from './errors';
import { topologyFromConfig } from './topology-from-config';

const settings = { FRESHET_SUBJECT_PREFIX: 'freshet', FRESHET_EVENTS_STREAM: 'FRESHET_EVENTS', FRESHET_COMMANDS_STREAM: 'FRESHET_SYNC_COMMANDS', FRESHET_EVENTS_MAX_AGE_HOURS: 168 };

describe('topologyFromConfig', () => {
  it('maps the shared NATS settings onto both streams, FRESHET_STREAM_REPLICAS as num_replicas', () => {
    const topology = topologyFromConfig({ ...settings, FRESHET_STREAM_REPLICAS: 3 });
    expect(topology.events).toMatchObject({ name: 'FRESHET_EVENTS', subjects: ['freshet.evt.>'], max_age: 168 * 3_600_000 * 1e6, num_replicas: 3 });
    expect(topology.commands).toMatchObject({ name: 'FRESHET_SYNC_COMMANDS', subjects: ['freshet.cmd.sync.>'], num_replicas: 3 });
  });

  it("takes a service's parsed config as it is: natsEnv's default is one replica, and a set value reaches the streams", () => {
    const schema = z.object({ ...natsEnv });
    expect(topologyFromConfig(loadConfig('svc', schema, {})).events.num_replicas).toBe(1);
    const three = topologyFromConfig(loadConfig('svc', schema, { FRESHET_STREAM_REPLICAS: '3' }));
    expect([three.events.num_replicas, three.commands.num_replicas]).toEqual([3, 3]);
  });

  it('uses one replica for settings written without a count', () => {
    expect(topologyFromConfig(settings).commands.num_replicas).toBe(1);
  });

  it('refuses a count JetStream cannot hold with the typed topology error', () => {
    expect(() => topologyFromConfig({ ...settings, FRESHET_STREAM_REPLICAS: 7 })).toThrow(InvalidTopologyError);
  });
});
