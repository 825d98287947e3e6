// Reads a stream's positions, so a live reader can start exactly after "now" (last + 1)
// and a resuming one can tell whether the history it needs is still there.
import { jetstreamManager } from '@nats-io/jetstream';
import type { StreamState } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { API_CODES, isApiError } from './jetstream-api-errors';
import { BusStreamNotFoundError } from './errors';

export async function streamState(nc: NatsConnection, stream: string): Promise<StreamState> {
  const jsm = await jetstreamManager(nc, { checkAPI: false });
  try {
    return (await jsm.streams.info(stream)).state;
  } catch (error) {
    if (isApiError(error, API_CODES.streamNotFound)) throw new BusStreamNotFoundError(stream, { cause: error });
    throw error;
  }
}

/** Sequence of the last message stored in the stream (0 when it never held one). */
export async function streamLastSequence(nc: NatsConnection, stream: string): Promise<number> {
  return (await streamState(nc, stream)).last_seq;
}
