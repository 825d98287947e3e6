// The demand bucket's replica count (FRESHET_STREAM_REPLICAS) against the real, single-node
// NATS. The publisher is best effort: a count the server cannot keep is logged (typed,
// naming the bucket's stream and the setting) and never fails a stream; an existing bucket
// it cannot raise keeps working with the copies it has.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { pino } from 'pino';
import { demandBucketName } from '@freshet/contracts';
import { deleteStreams, testNames, TEST_NATS_URL } from '@freshet/testkit';
import { createDemandPublisher, type DemandPublisher } from './demand-publisher';

interface Entry {
  level: number;
  msg: string;
  err?: { type?: string; message?: string; code?: string };
  [key: string]: unknown;
}

const created: string[] = [];
const publishers: DemandPublisher[] = [];
let nc: NatsConnection;

function recording(): { logger: pino.Logger; entries: Entry[] } {
  const entries: Entry[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') entries.push(JSON.parse(line) as Entry);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), entries };
}

function prefixFor(label: string): string {
  const prefix = testNames(label).subjectPrefix;
  created.push(`KV_${demandBucketName(prefix)}`);
  return prefix;
}

async function replicasOf(prefix: string): Promise<number | undefined> {
  const jsm = await jetstreamManager(nc);
  return jsm.streams.info(`KV_${demandBucketName(prefix)}`).then(
    (info) => info.config.num_replicas,
    () => undefined,
  );
}

function publisher(prefix: string, replicas: number, logger: pino.Logger): DemandPublisher {
  const made = createDemandPublisher({ nc, prefix, instanceId: 'gw-r', replicas, logger });
  publishers.push(made);
  return made;
}

beforeAll(async () => {
  nc = await connect({ servers: TEST_NATS_URL });
});

afterAll(async () => {
  for (const p of publishers) await p.stop();
  await nc.close();
  await deleteStreams(created);
});

describe('demand bucket replicas', () => {
  it('creates the bucket with the replica count asked for (1 on this single server)', async () => {
    const prefix = prefixFor('dmr');
    const gw = publisher(prefix, 1, recording().logger);
    gw.watch('acme', 'orders');
    await gw.settled();
    expect(await replicasOf(prefix)).toBe(1);
  });

  it('logs the typed refusal of 3 replicas for a new bucket on a single server, creates nothing, and never throws', async () => {
    const prefix = prefixFor('dmr3');
    const { logger, entries } = recording();
    const gw = publisher(prefix, 3, logger);
    expect(() => gw.watch('acme', 'orders')).not.toThrow();
    await gw.settled();
    const warning = entries.find((e) => e.msg.startsWith('could not write the demand signal'));
    expect(warning?.err).toMatchObject({ type: 'StreamReplicasUnavailableError', code: 'STREAM_REPLICAS_UNAVAILABLE' });
    expect(warning?.err?.message).toContain(`stream "KV_${demandBucketName(prefix)}" cannot have 3 replicas (FRESHET_STREAM_REPLICAS=3)`);
    expect(await replicasOf(prefix)).toBeUndefined();
  });

  it('keeps signalling through an existing bucket it cannot raise to 3 replicas, and says why', async () => {
    const prefix = prefixFor('dmru');
    const first = publisher(prefix, 1, recording().logger);
    first.watch('acme', 'stock');
    await first.settled();

    const { logger, entries } = recording();
    const gw = publisher(prefix, 3, logger);
    gw.watch('acme', 'prices');
    await gw.settled();
    const warning = entries.find((e) => e.msg === 'could not bring the demand bucket to the configured replicas');
    expect(warning?.err?.message).toContain('the NATS server is not part of a JetStream cluster');
    expect(await replicasOf(prefix)).toBe(1);
    const entry = await (await new Kvm(nc).open(demandBucketName(prefix))).get('acme.prices.gw-r');
    expect(entry?.operation).toBe('PUT');
  });
});
