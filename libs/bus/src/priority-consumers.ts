// Provisioning for consumeByPriority: one durable per tier with the same limits, and the
// removal of a durable that a change of layout left behind (on a work-queue stream a
// consumer whose filter overlaps the new ones makes the server refuse them).
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { PriorityTierConsumer } from './consume-by-priority';
import { ensureDurableConsumer, type DurableConsumerOptions, type EnsureConsumerOutcome } from './ensure-durable-consumer';
import { BusStreamNotFoundError, ProvisioningFailedError } from './errors';
import { API_CODES, isApiError } from './jetstream-api-errors';

export interface PriorityConsumersOptions extends Omit<DurableConsumerOptions, 'durable' | 'filterSubject'> {
  tiers: readonly PriorityTierConsumer[];
}

/** ensureDurableConsumer for every tier, in order; answers each tier's outcome by tier name. */
export async function ensurePriorityConsumers(nc: NatsConnection, options: PriorityConsumersOptions): Promise<Record<string, EnsureConsumerOutcome>> {
  const { tiers, ...limits } = options;
  const outcomes: Record<string, EnsureConsumerOutcome> = {};
  for (const tier of tiers) {
    outcomes[tier.name] = await ensureDurableConsumer(nc, { ...limits, durable: tier.durable, filterSubject: tier.filterSubject });
  }
  return outcomes;
}

export type RetireConsumerOutcome =
  | { outcome: 'absent' }
  | { outcome: 'deleted'; filterSubject: string; pending: number; ackPending: number }
  /** It exists with another filter than the one named: left alone. */
  | { outcome: 'kept'; filterSubject: string };

/**
 * Deletes durable `durable` if it exists with exactly filter `filterSubject`. Messages it
 * had delivered but not acked stay in a work-queue stream and go to the next consumer.
 */
export async function retireDurableConsumer(
  nc: NatsConnection,
  { stream, durable, filterSubject }: { stream: string; durable: string; filterSubject: string },
): Promise<RetireConsumerOutcome> {
  const jsm = await jetstreamManager(nc);
  let info;
  try {
    info = await jsm.consumers.info(stream, durable);
  } catch (error) {
    if (isApiError(error, API_CODES.consumerNotFound)) return { outcome: 'absent' };
    if (isApiError(error, API_CODES.streamNotFound)) throw new BusStreamNotFoundError(stream, { cause: error });
    throw error;
  }
  const existing = info.config.filter_subject ?? '';
  if (existing !== filterSubject) return { outcome: 'kept', filterSubject: existing };
  try {
    await jsm.consumers.delete(stream, durable);
  } catch (error) {
    if (isApiError(error, API_CODES.consumerNotFound)) return { outcome: 'absent' }; // another replica was first
    throw new ProvisioningFailedError(`deleting consumer ${JSON.stringify(durable)} on stream ${JSON.stringify(stream)}`, { cause: error });
  }
  return { outcome: 'deleted', filterSubject: existing, pending: info.num_pending, ackPending: info.num_ack_pending };
}
