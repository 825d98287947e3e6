// The events stream's identity and position, as the cache needs them: the epoch (a
// recreated stream restarts its sequences, so a position means nothing without it) and
// the last sequence (the position a database read is taken at).
import { createHash } from 'node:crypto';
import type { JetStreamManager } from '@nats-io/jetstream';

/** An opaque, short name for one incarnation of a stream: derived from its creation time. */
export function epochOf(streamCreated: string): string {
  return createHash('sha1').update(streamCreated).digest('base64url').slice(0, 12);
}

export interface StreamPosition {
  epoch: string;
  firstSeq: number;
  lastSeq: number;
}

export async function readStreamPosition(jsm: JetStreamManager, stream: string): Promise<StreamPosition> {
  const info = await jsm.streams.info(stream);
  return { epoch: epochOf(info.created), firstSeq: info.state.first_seq, lastSeq: info.state.last_seq };
}
