// Terminating a message (the server will never redeliver it). nats-server 2.9 ignores a
// "+TERM <reason>" ack altogether (it only knows a bare "+TERM"), so the message would be
// redelivered forever; the reason is sent only to servers known to accept it and is
// always logged by the caller.
import type { JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

/** First release we trust to accept a termination reason. */
const TERM_REASON_MIN_VERSION = [2, 11, 0] as const;
const MAX_REASON_LENGTH = 256;

export function versionAtLeast(version: string | undefined, min: readonly [number, number, number]): boolean {
  if (version === undefined) return false;
  const parts = version.split(/[.-]/).slice(0, 3).map(Number);
  for (let i = 0; i < 3; i++) {
    const have = parts[i] ?? 0;
    const want = min[i] ?? 0;
    if (Number.isNaN(have)) return false;
    if (have !== want) return have > want;
  }
  return true;
}

export function terminateMessage(nc: NatsConnection, msg: Pick<JsMsg, 'term'>, reason: string): void {
  if (versionAtLeast(nc.info?.version, TERM_REASON_MIN_VERSION)) msg.term(reason.slice(0, MAX_REASON_LENGTH));
  else msg.term();
}
