import { describe, expect, it } from 'vitest';
import { JetStreamApiError } from '@nats-io/jetstream';
import { StreamReplicasUnavailableError } from './errors';
import { assertReplicasPossible, onCluster, replicasRefusal } from './stream-replicas';

const apiError = (code: number, description: string) => new JetStreamApiError({ code: 500, err_code: code, description });
const single = { config: { name: 'FRESHET_EVENTS' } } as Parameters<typeof assertReplicasPossible>[0];
const clustered = { ...single, cluster: { name: 'freshet', leader: 'nats-0' } } as Parameters<typeof assertReplicasPossible>[0];

describe('stream replicas', () => {
  it('tells a stream on a cluster (its info names the cluster) from one on a single server', () => {
    expect(onCluster(clustered)).toBe(true);
    expect(onCluster(single)).toBe(false);
    // nats-server 2.10+ names a single server as the leader, but no cluster.
    expect(onCluster({ cluster: { leader: 'n1' } } as Parameters<typeof onCluster>[0])).toBe(false);
  });

  it('refuses more than one replica on a single server, naming the stream and the setting', () => {
    expect(() => assertReplicasPossible(single, 1)).not.toThrow();
    expect(() => assertReplicasPossible(clustered, 3)).not.toThrow();
    const attempt = () => assertReplicasPossible(single, 3);
    expect(attempt).toThrow(StreamReplicasUnavailableError);
    expect(attempt).toThrow(
      'stream "FRESHET_EVENTS" cannot have 3 replicas (FRESHET_STREAM_REPLICAS=3): the NATS server is not part of a JetStream cluster. ' +
        'Set FRESHET_STREAM_REPLICAS to at most the number of JetStream servers in the NATS cluster (1 for a single server).',
    );
  });

  it("maps the server's replica refusals to the typed error, keeping its words and the cause", () => {
    for (const [code, description] of [
      [10074, 'replicas > 1 not supported in non-clustered mode'],
      [10005, 'no suitable peers for placement'],
      [10023, 'insufficient resources'],
    ] as const) {
      const cause = apiError(code, description);
      const error = replicasRefusal('KV_freshet_tickets', 3, cause);
      expect(error).toBeInstanceOf(StreamReplicasUnavailableError);
      expect(error).toMatchObject({ code: 'STREAM_REPLICAS_UNAVAILABLE', stream: 'KV_freshet_tickets', replicas: 3, cause });
      expect(error!.message).toContain(`stream "KV_freshet_tickets" cannot have 3 replicas (FRESHET_STREAM_REPLICAS=3): the server refused: ${description}`);
    }
  });

  it('leaves other errors, and any error for a single replica, to the caller', () => {
    expect(replicasRefusal('S', 3, apiError(10065, 'subjects overlap with an existing stream'))).toBeUndefined();
    expect(replicasRefusal('S', 3, new Error('timeout'))).toBeUndefined();
    expect(replicasRefusal('S', 1, apiError(10023, 'insufficient resources'))).toBeUndefined();
  });
});
