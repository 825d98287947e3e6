// Whether the NATS server can keep a stream with the replica count asked for, and the one
// typed error when it cannot. A single nats-server refuses to create a stream with more
// than one replica, but 2.9 accepts raising an existing one and then reports a count it
// does not keep; a cluster refuses more replicas than it has JetStream servers. Used by
// ensureStreams and by the services that own KV buckets (the gateway's).
import type { JetStreamManager, StreamInfo } from '@nats-io/jetstream';
import { API_CODES, isApiError } from './jetstream-api-errors';
import { ProvisioningFailedError, StreamReplicasUnavailableError } from './errors';

const REPLICA_REFUSALS: readonly number[] = [API_CODES.replicasNotSupported, API_CODES.noSuitablePeers, API_CODES.insufficientResources];

/** A stream on a JetStream cluster carries the cluster's name in its info; on a single server it has none. */
export function onCluster(info: Pick<StreamInfo, 'cluster'>): boolean {
  return (info.cluster?.name ?? '') !== '';
}

/** The typed error for the server's refusal of `replicas` copies; undefined when `error` is something else. */
export function replicasRefusal(stream: string, replicas: number, error: unknown): StreamReplicasUnavailableError | undefined {
  if (replicas <= 1 || !REPLICA_REFUSALS.some((code) => isApiError(error, code))) return undefined;
  return new StreamReplicasUnavailableError(stream, replicas, `the server refused: ${(error as Error).message}`, { cause: error });
}

/** Refuses, before anything is changed, more than one replica of a stream on a single server. */
export function assertReplicasPossible(info: Pick<StreamInfo, 'cluster' | 'config'>, replicas: number): void {
  if (replicas > 1 && !onCluster(info)) {
    throw new StreamReplicasUnavailableError(info.config.name, replicas, 'the NATS server is not part of a JetStream cluster');
  }
}

/**
 * Brings an existing stream to `replicas` — a KV bucket's stream, say: Kvm.create applies
 * its options only when it creates the bucket. Returns the count the stream had, or
 * undefined when it already had `replicas`.
 */
export async function ensureStreamReplicas(jsm: JetStreamManager, info: StreamInfo, replicas: number): Promise<number | undefined> {
  const existing = info.config.num_replicas ?? 1;
  if (existing === replicas) return undefined;
  const stream = info.config.name;
  assertReplicasPossible(info, replicas);
  try {
    await jsm.streams.update(stream, { num_replicas: replicas });
  } catch (error) {
    throw replicasRefusal(stream, replicas, error) ?? new ProvisioningFailedError(`stream ${JSON.stringify(stream)} (replicas)`, { cause: error });
  }
  return existing;
}
