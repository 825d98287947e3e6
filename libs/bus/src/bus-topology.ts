// The two JetStream streams Freshet needs, as plain config: the event log (limits
// retention, kept for a configured age) and the sync-command work queue, both with the
// configured replica count. A pure function, so provisioning, tests and docs all agree on
// one definition.
import { DiscardPolicy, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import type { StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { allEventsSubject, allSyncCommandsSubject } from '@freshet/contracts';
import { InvalidTopologyError } from './errors';

/** JetStream dedups on Nats-Msg-Id only within this window; the outbox relay needs at least this. */
export const MIN_DUPLICATE_WINDOW_MS = 120_000;
export const COMMANDS_DUPLICATE_WINDOW_MS = 120_000;
/** JetStream refuses more replicas than this. */
export const MAX_STREAM_REPLICAS = 5;

/** The stream fields Freshet decides; everything else keeps the server's default. */
export type BusStreamConfig = Pick<
  StreamConfig,
  'name' | 'subjects' | 'retention' | 'storage' | 'discard' | 'max_age' | 'duplicate_window' | 'num_replicas'
>;

export interface BusTopology {
  events: BusStreamConfig;
  commands: BusStreamConfig;
}

export interface BusTopologyOptions {
  prefix: string;
  eventsStream: string;
  commandsStream: string;
  /** How long the events stream keeps a message; 0 keeps it until deleted. */
  eventsMaxAgeMs: number;
  /** Dedup window of the events stream; at least 2 minutes. */
  duplicateWindowMs?: number;
  /** Replicas of both streams (1 to 5; default 1): at most the JetStream servers in the cluster. */
  replicas?: number;
}

const STREAM_NAME = /^[A-Za-z0-9_-]{1,128}$/;

function subjectOrThrow(build: () => string): string {
  try {
    return build();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidTopologyError(reason, { cause: error });
  }
}

export function busTopology(options: BusTopologyOptions): BusTopology {
  const { prefix, eventsStream, commandsStream, eventsMaxAgeMs, duplicateWindowMs = MIN_DUPLICATE_WINDOW_MS, replicas = 1 } = options;
  for (const [field, name] of [['eventsStream', eventsStream], ['commandsStream', commandsStream]] as const) {
    if (!STREAM_NAME.test(name)) {
      throw new InvalidTopologyError(`${field} ${JSON.stringify(name)} must be 1-128 characters of A-Z, a-z, 0-9, '_' or '-'`);
    }
  }
  if (eventsStream === commandsStream) {
    throw new InvalidTopologyError(`eventsStream and commandsStream are both ${JSON.stringify(eventsStream)}`);
  }
  if (!Number.isInteger(eventsMaxAgeMs) || eventsMaxAgeMs < 0) {
    throw new InvalidTopologyError(`eventsMaxAgeMs must be a non-negative integer (0 = keep forever), got ${eventsMaxAgeMs}`);
  }
  if (!Number.isInteger(duplicateWindowMs) || duplicateWindowMs < MIN_DUPLICATE_WINDOW_MS) {
    throw new InvalidTopologyError(`duplicateWindowMs must be an integer of at least ${MIN_DUPLICATE_WINDOW_MS}, got ${duplicateWindowMs}`);
  }
  if (eventsMaxAgeMs > 0 && duplicateWindowMs > eventsMaxAgeMs) {
    // The server refuses a dedup window longer than the messages live.
    throw new InvalidTopologyError(`duplicateWindowMs (${duplicateWindowMs}) must not exceed eventsMaxAgeMs (${eventsMaxAgeMs})`);
  }
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > MAX_STREAM_REPLICAS) {
    throw new InvalidTopologyError(`replicas must be an integer from 1 to ${MAX_STREAM_REPLICAS}, got ${replicas}`);
  }
  return {
    events: {
      name: eventsStream,
      subjects: [subjectOrThrow(() => allEventsSubject(prefix))],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      max_age: nanos(eventsMaxAgeMs),
      duplicate_window: nanos(duplicateWindowMs),
      num_replicas: replicas,
    },
    commands: {
      name: commandsStream,
      subjects: [subjectOrThrow(() => allSyncCommandsSubject(prefix))],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      // A command leaves the queue when a worker acks it; retries are the scheduler's job.
      max_age: 0,
      duplicate_window: nanos(COMMANDS_DUPLICATE_WINDOW_MS),
      num_replicas: replicas,
    },
  };
}
