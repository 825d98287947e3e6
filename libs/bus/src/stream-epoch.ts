// The events stream's identity and position: the epoch (a recreated stream restarts its
// sequences, so a sequence means nothing without it) and the first and last sequences.
// Every service derives the epoch the same way, so the cache's snapshot positions and the
// gateway's SSE ids agree.
import { createHash } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { API_CODES, isApiError } from './jetstream-api-errors';
import { BusStreamNotFoundError } from './errors';

/** A short, opaque name for one incarnation of a stream, derived from its creation time. */
export function epochOf(streamCreated: string): string {
  return createHash('sha1').update(streamCreated).digest('base64url').slice(0, 12);
}

export interface StreamBounds {
  epoch: string;
  /** First sequence still held (0 or 1 for a stream that never lost one). */
  firstSeq: number;
  /** Last sequence stored (0 when it never held one). */
  lastSeq: number;
}

export async function readStreamBounds(nc: NatsConnection, stream: string): Promise<StreamBounds> {
  const jsm = await jetstreamManager(nc, { checkAPI: false });
  try {
    const info = await jsm.streams.info(stream);
    return { epoch: epochOf(info.created), firstSeq: info.state.first_seq, lastSeq: info.state.last_seq };
  } catch (error) {
    if (isApiError(error, API_CODES.streamNotFound)) throw new BusStreamNotFoundError(stream, { cause: error });
    throw error;
  }
}
