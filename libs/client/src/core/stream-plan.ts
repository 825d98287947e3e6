// The one SSE stream's channels and resume point, decided from what the stores need.
//
// A store that loaded a snapshot at position S needs every event of its channel after S.
// A store already "joined" to the stream has applied everything up to the stream's
// position. So the stream must (re)open from the earliest of: the stream's position (when
// a joined store relies on it) and the positions of the stores not joined yet. When the
// channels are the same and every new store is at or after the stream's position, the
// stream it is on already brings all it needs: nothing reopens.
//
// Epochs: positions of another epoch than the stream's (a snapshot from a cache that has
// not followed a recreated stream yet) cannot be resumed from; those stores are rebased to
// the resume point instead of reloading forever (apps/gateway/README.md "Known limits").
import { earliestIn, type StreamPosition } from './position';

export interface ChannelDemand {
  channel: string;
  /** Where the store's data is (its snapshot, then its last applied event). */
  position: StreamPosition;
  /** Applying events from the current stream (or from the next one opened from the stream's position). */
  joined: boolean;
}

export interface CurrentStream {
  /** Open or opening. */
  open: boolean;
  channels: ReadonlyArray<string>;
  /** The last position received (or the one the stream was opened from). */
  position?: StreamPosition;
}

export type StreamPlan =
  | { kind: 'idle' }
  | { kind: 'close' }
  /** The current stream serves: these stores join it (`rebase`: at the stream's position). */
  | { kind: 'keep'; join: string[]; rebase: string[] }
  /** (Re)open with these channels from `lastEventId`; every demand joins, `rebase` ones at `lastEventId`. */
  | { kind: 'open'; channels: string[]; lastEventId?: StreamPosition; rebase: string[] };

function sameSet(a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((x) => set.has(x));
}

export function planStream(demands: ReadonlyArray<ChannelDemand>, current: CurrentStream): StreamPlan {
  if (demands.length === 0) return current.open ? { kind: 'close' } : { kind: 'idle' };
  const channels = [...new Set(demands.map((d) => d.channel))].sort();
  const newcomers = demands.filter((d) => !d.joined);
  const streamEpoch = current.position?.epoch;

  if (current.open && current.position !== undefined && sameSet(channels, current.channels)) {
    const at = current.position;
    const behind = newcomers.filter((d) => d.position.epoch === at.epoch && d.position.seq < at.seq);
    if (behind.length === 0) {
      const rebase = newcomers.filter((d) => d.position.epoch !== at.epoch).map((d) => d.channel);
      return { kind: 'keep', join: newcomers.map((d) => d.channel), rebase };
    }
  }

  const candidates = [...(demands.some((d) => d.joined) ? [current.position] : []), ...newcomers.map((d) => d.position)];
  // The stream's epoch is the freshest knowledge of the gateway's; without it, the stores'.
  const epoch = streamEpoch ?? newcomers[0]?.position.epoch ?? demands[0]?.position.epoch;
  const lastEventId = (epoch === undefined ? undefined : earliestIn(epoch, candidates)) ?? current.position;
  const rebase = lastEventId === undefined ? [] : newcomers.filter((d) => d.position.epoch !== lastEventId.epoch).map((d) => d.channel);
  return { kind: 'open', channels, lastEventId, rebase };
}
