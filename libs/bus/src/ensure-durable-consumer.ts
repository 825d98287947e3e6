// Idempotent provisioning of a durable pull consumer. Every consumer states its ack wait,
// max ack pending and max deliver on purpose (never the server defaults); limits are
// updated in place, while a different filter or policy is refused with a typed error.
import { AckPolicy, DeliverPolicy, jetstreamManager } from '@nats-io/jetstream';
import type { ConsumerConfig, ConsumerInfo, JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { formatNanos, formatValue } from './config-format';
import { API_CODES, isApiError } from './jetstream-api-errors';
import {
  BusStreamNotFoundError,
  ConsumerConfigConflictError,
  InvalidConsumerOptionsError,
  ProvisioningFailedError,
  type ConfigDifference,
} from './errors';

export interface DurableConsumerOptions {
  stream: string;
  durable: string;
  /** One subject (wildcards allowed): nats-server 2.9 has no multi-subject filters. */
  filterSubject: string;
  /** How long the server waits for an ack before redelivering. Equal to backoffMs[0] when backoffMs is set. */
  ackWaitMs: number;
  maxAckPending: number;
  /** Deliveries before the server gives up on a message; more than backoffMs.length when it is set. */
  maxDeliver: number;
  /** Redelivery delays after ack timeouts, per delivery (the server uses the last one for the rest). */
  backoffMs?: number[];
}

export type EnsureConsumerOutcome = 'created' | 'unchanged' | 'updated';

type WantedConfig = Pick<
  ConsumerConfig,
  'durable_name' | 'ack_policy' | 'deliver_policy' | 'filter_subject' | 'ack_wait' | 'max_ack_pending' | 'max_deliver' | 'backoff'
>;

function isPositiveInt(n: number): boolean {
  return Number.isInteger(n) && n > 0;
}

function wantedConfig(options: DurableConsumerOptions): WantedConfig {
  const { durable, filterSubject, ackWaitMs, maxAckPending, maxDeliver, backoffMs } = options;
  if (!isPositiveInt(ackWaitMs)) throw new InvalidConsumerOptionsError(`ackWaitMs must be a positive integer, got ${ackWaitMs}`);
  if (!isPositiveInt(maxAckPending)) throw new InvalidConsumerOptionsError(`maxAckPending must be a positive integer, got ${maxAckPending}`);
  if (!isPositiveInt(maxDeliver)) throw new InvalidConsumerOptionsError(`maxDeliver must be a positive integer, got ${maxDeliver}`);
  if (filterSubject.trim() === '' || /\s/.test(filterSubject)) {
    throw new InvalidConsumerOptionsError(`filterSubject ${JSON.stringify(filterSubject)} is not a subject`);
  }
  if (backoffMs !== undefined) {
    if (backoffMs.length === 0 || !backoffMs.every(isPositiveInt)) {
      throw new InvalidConsumerOptionsError('backoffMs must be a non-empty list of positive integers');
    }
    if (maxDeliver <= backoffMs.length) {
      throw new InvalidConsumerOptionsError(`maxDeliver (${maxDeliver}) must exceed the number of backoff steps (${backoffMs.length})`);
    }
    // The server replaces ack_wait with the first backoff step; say so instead of drifting.
    if (backoffMs[0] !== ackWaitMs) {
      throw new InvalidConsumerOptionsError(`with backoffMs the server uses backoffMs[0] (${backoffMs[0]}) as the ack wait; set ackWaitMs to it (got ${ackWaitMs})`);
    }
  }
  return {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: filterSubject,
    ack_wait: nanos(ackWaitMs),
    max_ack_pending: maxAckPending,
    max_deliver: maxDeliver,
    ...(backoffMs === undefined ? {} : { backoff: backoffMs.map((ms) => nanos(ms)) }),
  };
}

function diffConsumer(existing: ConsumerConfig, wanted: WantedConfig): ConfigDifference[] {
  const differences: ConfigDifference[] = [];
  const fixed = (field: string, a: unknown, b: unknown) => {
    if (a !== b) differences.push({ field, existing: formatValue(a), wanted: formatValue(b), updatable: false });
  };
  fixed('ack_policy', existing.ack_policy, wanted.ack_policy);
  fixed('deliver_policy', existing.deliver_policy, wanted.deliver_policy);
  fixed('filter_subject', existing.filter_subject, wanted.filter_subject);
  if (existing.deliver_subject !== undefined && existing.deliver_subject !== '') {
    differences.push({ field: 'deliver_subject', existing: formatValue(existing.deliver_subject), wanted: '(unset: a pull consumer)', updatable: false });
  }
  if (existing.ack_wait !== wanted.ack_wait) {
    differences.push({ field: 'ack_wait', existing: formatNanos(existing.ack_wait), wanted: formatNanos(wanted.ack_wait), updatable: true });
  }
  for (const field of ['max_ack_pending', 'max_deliver'] as const) {
    if (existing[field] !== wanted[field]) {
      differences.push({ field, existing: formatValue(existing[field]), wanted: formatValue(wanted[field]), updatable: true });
    }
  }
  const existingBackoff = existing.backoff ?? [];
  const wantedBackoff = wanted.backoff ?? [];
  if (existingBackoff.length !== wantedBackoff.length || existingBackoff.some((ns, i) => ns !== wantedBackoff[i])) {
    const show = (list: number[]) => (list.length === 0 ? '(none)' : `[${list.map(formatNanos).join(', ')}]`);
    differences.push({ field: 'backoff', existing: show(existingBackoff), wanted: show(wantedBackoff), updatable: true });
  }
  return differences;
}

async function consumerInfo(jsm: JetStreamManager, stream: string, durable: string): Promise<ConsumerInfo | undefined> {
  try {
    return await jsm.consumers.info(stream, durable);
  } catch (error) {
    if (isApiError(error, API_CODES.consumerNotFound)) return undefined;
    if (isApiError(error, API_CODES.streamNotFound)) throw new BusStreamNotFoundError(stream, { cause: error });
    throw error;
  }
}

export async function ensureDurableConsumer(nc: NatsConnection, options: DurableConsumerOptions): Promise<EnsureConsumerOutcome> {
  const wanted = wantedConfig(options);
  const { stream, durable } = options;
  const jsm = await jetstreamManager(nc);
  const existing = await consumerInfo(jsm, stream, durable);
  const resource = `consumer ${JSON.stringify(durable)} on stream ${JSON.stringify(stream)}`;
  if (existing === undefined) {
    try {
      await jsm.consumers.add(stream, wanted);
    } catch (error) {
      if (isApiError(error, API_CODES.streamNotFound)) throw new BusStreamNotFoundError(stream, { cause: error });
      throw new ProvisioningFailedError(resource, { cause: error });
    }
    return 'created';
  }
  const differences = diffConsumer(existing.config, wanted);
  if (differences.length === 0) return 'unchanged';
  if (differences.some((d) => !d.updatable)) throw new ConsumerConfigConflictError(stream, durable, differences);
  try {
    // `backoff: undefined` is dropped from the request, which clears a backoff no longer wanted.
    await jsm.consumers.update(stream, durable, {
      ack_wait: wanted.ack_wait,
      max_ack_pending: wanted.max_ack_pending,
      max_deliver: wanted.max_deliver,
      backoff: wanted.backoff,
    });
  } catch (error) {
    throw new ProvisioningFailedError(resource, { cause: error });
  }
  return 'updated';
}
