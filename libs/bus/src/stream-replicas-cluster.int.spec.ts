// Stream replicas on a real three-node JetStream cluster (started by the test from the
// machines' nats-server): what the single test server cannot show. The services create
// their streams with FRESHET_STREAM_REPLICAS copies, raise an existing stream in place,
// and a count the cluster cannot hold is the typed error — and a cluster is told apart
// from a single server by its stream info (onCluster), which the single-server refusal
// relies on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { startNatsCluster, testNames, type NatsCluster } from '@freshet/testkit';
import { closeBus, connectBus } from './connect-bus';
import { ensureStreams } from './ensure-streams';
import { StreamReplicasUnavailableError } from './errors';
import { onCluster } from './stream-replicas';
import { configuredTopology, recordingLogger } from './testing/bus-test-support';

const { logger } = recordingLogger();
let cluster: NatsCluster;
let nc: NatsConnection;

beforeAll(async () => {
  cluster = await startNatsCluster({ size: 3 });
  nc = await connectBus({ servers: cluster.url, name: 'bus-replicas-cluster-test', logger });
}, 60_000);

afterAll(async () => {
  if (nc) await closeBus(nc);
  await cluster?.stop();
});

describe('stream replicas on a three-node cluster', () => {
  it('creates both streams with three replicas, and their info names the cluster', async () => {
    const names = testNames('cl3');
    expect(await ensureStreams(nc, configuredTopology(names, 3), logger)).toMatchObject({ created: [names.eventsStream, names.commandsStream] });
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(names.eventsStream);
    expect(info.config.num_replicas).toBe(3);
    expect(info.cluster?.name).toBe(cluster.name);
    expect(onCluster(info)).toBe(true);
    expect((await jsm.streams.info(names.commandsStream)).config.num_replicas).toBe(3);
  }, 30_000);

  it('raises streams made with one replica to three in place, keeping their messages', async () => {
    const names = testNames('clu');
    await ensureStreams(nc, configuredTopology(names, 1), logger);
    const jsm = await jetstreamManager(nc);
    await jsm.jetstream().publish(configuredTopology(names, 1).events.subjects![0]!.replace('>', 'kept'), 'kept');
    const raised = await ensureStreams(nc, configuredTopology(names, 3), logger);
    expect(raised.updated).toEqual(expect.arrayContaining([names.eventsStream, names.commandsStream]));
    await expect.poll(async () => (await jsm.streams.info(names.eventsStream)).config.num_replicas, { timeout: 15_000 }).toBe(3);
    expect((await jsm.streams.info(names.eventsStream)).state.messages).toBe(1);
  }, 30_000);

  it('refuses more replicas than the cluster has servers, with the typed error, creating nothing', async () => {
    const names = testNames('cl5');
    const attempt = ensureStreams(nc, configuredTopology(names, 5), logger);
    await expect(attempt).rejects.toBeInstanceOf(StreamReplicasUnavailableError);
    await expect(attempt).rejects.toMatchObject({ stream: names.eventsStream, replicas: 5 });
    const jsm = await jetstreamManager(nc);
    await expect(jsm.streams.info(names.eventsStream)).rejects.toThrow();
  }, 30_000);
});
