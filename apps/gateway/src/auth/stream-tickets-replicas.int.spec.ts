// The ticket bucket's replica count (FRESHET_STREAM_REPLICAS) against the real, single-node
// NATS: created with the count asked for, and more than one refused with the typed error
// naming the bucket's stream and the setting, whether the bucket is new or exists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { pino } from 'pino';
import { StreamReplicasUnavailableError } from '@freshet/bus';
import { deleteStreams, testNames, TEST_NATS_URL } from '@freshet/testkit';
import { openTicketStore, ticketBucketName } from './stream-tickets';

const logger = pino({ level: 'silent' });
const created: string[] = [];
let nc: NatsConnection;

function bucketFor(label: string): string {
  const bucket = ticketBucketName(testNames(label).subjectPrefix);
  created.push(`KV_${bucket}`);
  return bucket;
}

async function replicasOf(bucket: string): Promise<number | undefined> {
  const jsm = await jetstreamManager(nc);
  return jsm.streams.info(`KV_${bucket}`).then(
    (info) => info.config.num_replicas,
    () => undefined,
  );
}

beforeAll(async () => {
  nc = await connect({ servers: TEST_NATS_URL });
});

afterAll(async () => {
  await nc.close();
  await deleteStreams(created);
});

describe('ticket bucket replicas', () => {
  it('creates the bucket with the replica count asked for (1 on this single server)', async () => {
    const bucket = bucketFor('tkr');
    await openTicketStore({ nc, bucket, ttlMs: 30_000, replicas: 1, logger });
    expect(await replicasOf(bucket)).toBe(1);
  });

  it('refuses 3 replicas for a new bucket on a single server, naming its stream and the setting, and creates nothing', async () => {
    const bucket = bucketFor('tkr3');
    const attempt = openTicketStore({ nc, bucket, ttlMs: 30_000, replicas: 3, logger });
    await expect(attempt).rejects.toBeInstanceOf(StreamReplicasUnavailableError);
    await expect(attempt).rejects.toThrow(`stream "KV_${bucket}" cannot have 3 replicas (FRESHET_STREAM_REPLICAS=3)`);
    expect(await replicasOf(bucket)).toBeUndefined();
  });

  it('refuses to raise an existing bucket to 3 replicas on a single server and leaves it at 1', async () => {
    const bucket = bucketFor('tkru');
    await openTicketStore({ nc, bucket, ttlMs: 30_000, logger });
    const attempt = openTicketStore({ nc, bucket, ttlMs: 30_000, replicas: 3, logger });
    await expect(attempt).rejects.toThrow(`stream "KV_${bucket}" cannot have 3 replicas (FRESHET_STREAM_REPLICAS=3): the NATS server is not part of a JetStream cluster`);
    expect(await replicasOf(bucket)).toBe(1);
  });
});
