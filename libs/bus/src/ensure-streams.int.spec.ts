import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { nanos } from '@nats-io/transport-node';
import { allEventsSubject } from '@freshet/contracts';
import { deleteStreams, testNames, TEST_NATS_URL, type TestNames } from '@freshet/testkit';
import { busTopology } from './bus-topology';
import { closeBus, connectBus } from './connect-bus';
import { ensureStreams } from './ensure-streams';
import { StreamConfigConflictError, StreamReplicasUnavailableError, StreamSubjectOverlapError } from './errors';
import { configuredTopology, recordingLogger } from './testing/bus-test-support';

const { logger } = recordingLogger();
const created: string[] = [];
let nc: NatsConnection;

function names(label: string): TestNames {
  const n = testNames(label);
  created.push(n.eventsStream, n.commandsStream, `${n.eventsStream}_OTHER`);
  return n;
}

function topologyFor(n: TestNames, eventsMaxAgeMs = 3_600_000) {
  return busTopology({ prefix: n.subjectPrefix, eventsStream: n.eventsStream, commandsStream: n.commandsStream, eventsMaxAgeMs });
}

async function streamExists(name: string): Promise<boolean> {
  const jsm = await jetstreamManager(nc);
  return jsm.streams.info(name).then(
    () => true,
    () => false,
  );
}

beforeAll(async () => {
  nc = await connectBus({ servers: TEST_NATS_URL, name: 'bus-ensure-streams-test', logger });
});

afterAll(async () => {
  await deleteStreams(created);
  await closeBus(nc);
});

describe('ensureStreams', () => {
  it('creates both streams once; a second run changes nothing', async () => {
    const n = names('ens');
    const topology = topologyFor(n);
    expect(await ensureStreams(nc, topology, logger)).toEqual({ created: [n.eventsStream, n.commandsStream], unchanged: [], updated: [] });
    expect(await ensureStreams(nc, topology, logger)).toEqual({ created: [], unchanged: [n.eventsStream, n.commandsStream], updated: [] });

    const jsm = await jetstreamManager(nc);
    const events = await jsm.streams.info(n.eventsStream);
    expect(events.config).toMatchObject({ retention: 'limits', storage: 'file', discard: 'old', max_age: nanos(3_600_000), duplicate_window: nanos(120_000) });
    const commands = await jsm.streams.info(n.commandsStream);
    expect(commands.config).toMatchObject({ retention: 'workqueue', storage: 'file', subjects: [`${n.subjectPrefix}.cmd.sync.>`] });
  });

  it('updates a changed max age in place and reports it', async () => {
    const n = names('upd');
    await ensureStreams(nc, topologyFor(n, 3_600_000), logger);
    expect(await ensureStreams(nc, topologyFor(n, 7_200_000), logger)).toEqual({
      created: [],
      unchanged: [n.commandsStream],
      updated: [n.eventsStream],
    });
    const jsm = await jetstreamManager(nc);
    expect((await jsm.streams.info(n.eventsStream)).config.max_age).toBe(nanos(7_200_000));
  });

  it('refuses a same-named stream with a different retention, naming the stream and each differing field', async () => {
    const n = names('cfl');
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({
      name: n.eventsStream,
      subjects: [allEventsSubject(n.subjectPrefix)],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.Memory,
    });
    const attempt = ensureStreams(nc, topologyFor(n), logger);
    await expect(attempt).rejects.toBeInstanceOf(StreamConfigConflictError);
    const error = (await attempt.catch((e: unknown) => e)) as StreamConfigConflictError;
    expect(error.code).toBe('STREAM_CONFIG_CONFLICT');
    expect(error.stream).toBe(n.eventsStream);
    expect(error.message).toContain(`stream "${n.eventsStream}" exists with a conflicting configuration`);
    expect(error.message).toContain('retention: existing "workqueue", wanted "limits" (cannot be updated in place)');
    expect(error.message).toContain('storage: existing "memory", wanted "file" (cannot be updated in place)');
    expect(error.differences.map((d) => d.field)).toEqual(expect.arrayContaining(['retention', 'storage']));
    // Nothing was changed.
    expect((await jsm.streams.info(n.eventsStream)).config.retention).toBe('workqueue');
  });

  it('creates both streams with the replica count of FRESHET_STREAM_REPLICAS (1 on this single server)', async () => {
    const n = names('rep');
    await ensureStreams(nc, configuredTopology(n, 1), logger);
    const jsm = await jetstreamManager(nc);
    expect((await jsm.streams.info(n.eventsStream)).config.num_replicas).toBe(1);
    expect((await jsm.streams.info(n.commandsStream)).config.num_replicas).toBe(1);
    expect(await ensureStreams(nc, configuredTopology(n, 1), logger)).toEqual({ created: [], unchanged: [n.eventsStream, n.commandsStream], updated: [] });
  });

  it('refuses to create a stream with 3 replicas on a single server, naming the stream and the setting, and creates nothing', async () => {
    const n = names('rp3');
    const attempt = ensureStreams(nc, configuredTopology(n, 3), logger);
    await expect(attempt).rejects.toBeInstanceOf(StreamReplicasUnavailableError);
    const error = (await attempt.catch((e: unknown) => e)) as StreamReplicasUnavailableError;
    expect(error).toMatchObject({ code: 'STREAM_REPLICAS_UNAVAILABLE', stream: n.eventsStream, replicas: 3 });
    expect(error.message).toMatch(new RegExp(`^stream "${n.eventsStream}" cannot have 3 replicas \\(FRESHET_STREAM_REPLICAS=3\\): the server refused: `));
    expect(error.message).toContain('Set FRESHET_STREAM_REPLICAS to at most the number of JetStream servers');
    expect(await streamExists(n.eventsStream)).toBe(false);
    expect(await streamExists(n.commandsStream)).toBe(false);
  });

  it('refuses to raise an existing stream to 3 replicas on a single server and leaves it as it was', async () => {
    const n = names('rpu');
    await ensureStreams(nc, configuredTopology(n, 1), logger);
    const attempt = ensureStreams(nc, configuredTopology(n, 3), logger);
    await expect(attempt).rejects.toThrow(
      `stream "${n.eventsStream}" cannot have 3 replicas (FRESHET_STREAM_REPLICAS=3): the NATS server is not part of a JetStream cluster`,
    );
    await expect(attempt).rejects.toBeInstanceOf(StreamReplicasUnavailableError);
    // nats-server 2.9 alone would have accepted the update and reported 3 replicas it does not keep.
    const jsm = await jetstreamManager(nc);
    expect((await jsm.streams.info(n.eventsStream)).config.num_replicas).toBe(1);
  });

  it('names the subject and the other stream when the wanted subjects overlap another stream', async () => {
    const n = names('ovl');
    const jsm = await jetstreamManager(nc);
    const other = `${n.eventsStream}_OTHER`;
    await jsm.streams.add({ name: other, subjects: [`${n.subjectPrefix}.evt.acme.>`], storage: StorageType.Memory });
    const attempt = ensureStreams(nc, topologyFor(n), logger);
    await expect(attempt).rejects.toBeInstanceOf(StreamSubjectOverlapError);
    const error = (await attempt.catch((e: unknown) => e)) as StreamSubjectOverlapError;
    expect(error.code).toBe('STREAM_SUBJECT_OVERLAP');
    expect(error.message).toBe(
      `stream "${n.eventsStream}" cannot capture subject "${n.subjectPrefix}.evt.>": it overlaps stream "${other}" (subject "${n.subjectPrefix}.evt.acme.>")`,
    );
  });
});
