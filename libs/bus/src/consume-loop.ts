// Shared supervision of a consume loop: a handle whose stop() closes the message iterator
// and waits for the loop, and whose `closed` tells an intended end (stop, connection
// closed) from an unexpected one (ConsumerLoopError) without ever leaving an unhandled rejection.
import type { ConsumerMessages } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { ConsumerLoopError } from './errors';

export interface ConsumerHandle {
  /** Stops pulling, waits for the in-flight handler, and returns. Safe to call twice. */
  stop(): Promise<void>;
  /** Settles when the loop ends: resolves after stop() or a closed connection, rejects with ConsumerLoopError otherwise. */
  closed: Promise<void>;
}

export interface LoopControl {
  readonly stopping: boolean;
}

export function superviseLoop(
  run: (control: LoopControl) => Promise<void>,
  context: { nc: NatsConnection; messages: ConsumerMessages; stream: string; label: string; log: Logger },
): ConsumerHandle {
  const { nc, messages, stream, label, log } = context;
  const control = { stopping: false };
  const intended = () => control.stopping || nc.isClosed() || nc.isDraining();
  const closed = run(control).then(
    () => {
      if (!intended()) throw new ConsumerLoopError(stream, label);
    },
    (error: unknown) => {
      if (!intended()) throw new ConsumerLoopError(stream, label, { cause: error });
      log.debug({ err: error }, 'consume loop ended while stopping');
    },
  );
  // Reported once here, so a caller that never awaits `closed` still sees it and Node sees no unhandled rejection.
  closed.catch((error: unknown) => log.error({ err: error }, 'consume loop ended unexpectedly'));
  return {
    async stop() {
      if (!control.stopping) {
        control.stopping = true;
        void messages.close();
      }
      await closed.catch(() => undefined);
    },
    closed,
  };
}
