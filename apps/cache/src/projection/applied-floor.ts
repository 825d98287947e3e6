// How far the projection has got: the ack floor of its durable consumer (shared by every
// replica, one message at a time), the stream sequence up to which every event is applied
// to every view. Read every `refreshMs` in the background; a value read earlier is only
// lower, so it is always safe to claim a view reflects the stream up to it.
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@freshet/telemetry';

export interface AppliedFloor {
  /** The last floor read (0 before the first). */
  get(): number;
  stop(): void;
}

export function trackAppliedFloor(options: { nc: NatsConnection; stream: string; durable: string; refreshMs: number; logger: Logger }): AppliedFloor {
  let floor = 0;
  const read = async () => {
    const jsm = await jetstreamManager(options.nc, { checkAPI: false });
    const info = await jsm.consumers.info(options.stream, options.durable);
    floor = Math.max(floor, info.ack_floor.stream_seq);
  };
  void read().catch(() => undefined);
  const timer = setInterval(() => void read().catch((error: unknown) => options.logger.debug({ err: error }, 'could not read the projection floor')), options.refreshMs);
  timer.unref();
  return { get: () => floor, stop: () => clearInterval(timer) };
}
