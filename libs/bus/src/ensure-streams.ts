// Idempotent stream provisioning, run by every service at boot: creates missing streams,
// applies safe in-place updates (the replica count included), and refuses (with a
// readable, typed error) anything that would need a person: a different retention or
// storage, dropped subjects, subjects another stream already captures, or more replicas
// than the server can keep.
import { jetstreamManager } from '@nats-io/jetstream';
import type { JetStreamManager, StreamInfo } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { BusStreamConfig, BusTopology } from './bus-topology';
import { diffStreamConfig } from './stream-config-diff';
import { subjectsOverlap } from './subject-overlap';
import { API_CODES, isApiError } from './jetstream-api-errors';
import { ProvisioningFailedError, StreamConfigConflictError, StreamSubjectOverlapError } from './errors';
import { assertReplicasPossible, replicasRefusal } from './stream-replicas';

export interface EnsureStreamsResult {
  created: string[];
  unchanged: string[];
  updated: string[];
}

type Outcome = 'created' | 'unchanged' | 'updated';

async function listStreams(jsm: JetStreamManager): Promise<StreamInfo[]> {
  const streams: StreamInfo[] = [];
  for await (const info of jsm.streams.list()) streams.push(info);
  return streams;
}

function assertNoOverlap(wanted: BusStreamConfig, others: readonly StreamInfo[]): void {
  for (const other of others) {
    if (other.config.name === wanted.name) continue;
    for (const otherSubject of other.config.subjects ?? []) {
      const subject = wanted.subjects.find((s) => subjectsOverlap(s, otherSubject));
      if (subject !== undefined) throw new StreamSubjectOverlapError(wanted.name, subject, other.config.name, otherSubject);
    }
  }
}

function overlapOrFailure(wanted: BusStreamConfig, action: string, error: unknown): Error {
  if (isApiError(error, API_CODES.streamSubjectOverlap)) {
    // Lost a race with another stream's creation: we no longer know which one.
    return new StreamSubjectOverlapError(wanted.name, wanted.subjects.join(', '), undefined, undefined, { cause: error });
  }
  return new ProvisioningFailedError(`stream ${JSON.stringify(wanted.name)} (${action})`, { cause: error });
}

async function reconcile(jsm: JetStreamManager, existing: StreamInfo, wanted: BusStreamConfig, logger: Logger): Promise<Outcome> {
  const { differences, update } = diffStreamConfig(existing.config, wanted);
  if (differences.length === 0) {
    logger.debug({ stream: wanted.name }, 'stream unchanged');
    return 'unchanged';
  }
  if (differences.some((d) => !d.updatable)) throw new StreamConfigConflictError(wanted.name, differences);
  // A single nats-server 2.9 would accept more replicas here and keep one copy regardless.
  if (update.num_replicas !== undefined) assertReplicasPossible(await jsm.streams.info(wanted.name), update.num_replicas);
  try {
    await jsm.streams.update(wanted.name, update);
  } catch (error) {
    throw (update.num_replicas === undefined ? undefined : replicasRefusal(wanted.name, update.num_replicas, error)) ?? overlapOrFailure(wanted, 'update', error);
  }
  logger.info({ stream: wanted.name, differences }, 'stream updated');
  return 'updated';
}

async function ensureStream(jsm: JetStreamManager, wanted: BusStreamConfig, all: readonly StreamInfo[], logger: Logger): Promise<Outcome> {
  assertNoOverlap(wanted, all);
  const existing = all.find((s) => s.config.name === wanted.name);
  if (existing !== undefined) return reconcile(jsm, existing, wanted, logger);
  try {
    await jsm.streams.add({ ...wanted });
  } catch (error) {
    // Another replica created it between our listing and our add: compare with that one.
    if (isApiError(error, API_CODES.streamNameExists)) return reconcile(jsm, await jsm.streams.info(wanted.name), wanted, logger);
    throw replicasRefusal(wanted.name, wanted.num_replicas, error) ?? overlapOrFailure(wanted, 'create', error);
  }
  logger.info({ stream: wanted.name, subjects: wanted.subjects, retention: wanted.retention, replicas: wanted.num_replicas }, 'stream created');
  return 'created';
}

export async function ensureStreams(nc: NatsConnection, topology: BusTopology, logger: Logger): Promise<EnsureStreamsResult> {
  const jsm = await jetstreamManager(nc);
  const all = await listStreams(jsm);
  const result: EnsureStreamsResult = { created: [], unchanged: [], updated: [] };
  for (const wanted of [topology.events, topology.commands]) {
    const outcome = await ensureStream(jsm, wanted, all, logger);
    result[outcome].push(wanted.name);
  }
  return result;
}
