// Raw JetStream pull requests (`$JS.API.CONSUMER.MSG.NEXT.<stream>.<durable>`) over one
// inbox subscription. The client's fetch() always waits at least a second when a consumer
// is empty; a worker that checks several consumers in turn needs nats-server's `no_wait`:
//
//   - `no_wait`, no expiry: answers at once — the messages there are (up to `batch`), then
//     404 "No Messages" (none) or 408 (fewer than asked). No status when the batch filled.
//   - `no_wait` + expiry: a long poll that ends as soon as anything was delivered, or with
//     408 at the expiry.
//
// Every request also has a client-side guard, because nats-server 2.9 never answers some:
// a pull for a consumer or stream that does not exist, and a `no_wait` pull while the
// consumer is at max_ack_pending (it may still deliver later).
//
// One subscription serves every request. The server sends statuses to the request's reply
// subject, but messages on their own subject, so a message is matched to its request by
// the consumer named in its `$JS.ACK` reply: at most one request per durable is open at a
// time. A message for a durable with no open request (its request was given up) goes to
// `onLate`, which hands it back at once instead of letting it sit out its ack wait.
import { createInbox, nanos } from '@nats-io/transport-node';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { PulledMessage } from './pulled-message';

export type PullEnd =
  /** The batch filled. */
  | { kind: 'filled' }
  /** 404/408: nothing (more) there, or the long poll expired. */
  | { kind: 'drained' }
  /** No answer within the guard. */
  | { kind: 'no-answer' }
  /** Any other status (409 consumer deleted or a limit exceeded, 503 no JetStream, 400 …). */
  | { kind: 'status'; code: number; description: string }
  /** The mux was closed while the request was open. */
  | { kind: 'closed' };

export interface PullOutcome {
  received: number;
  end: PullEnd;
}

export interface PullRequest {
  durable: string;
  batch: number;
  /** Long poll: wait up to this long for the first message. Without it the pull answers at once. */
  expiresMs?: number;
  /** Give up on an answer after this long (added to expiresMs). */
  guardMs: number;
  onMessage: (msg: PulledMessage) => void;
}

interface OpenRequest {
  durable: string;
  batch: number;
  received: number;
  onMessage: (msg: PulledMessage) => void;
  timer: ReturnType<typeof setTimeout>;
  resolve: (outcome: PullOutcome) => void;
}

export class PullMux {
  private readonly inbox = createInbox();
  private readonly open = new Map<string, OpenRequest>();
  /** durable → token of its open request */
  private readonly byDurable = new Map<string, string>();
  private readonly sub: Subscription;
  private nextToken = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly apiPrefix: string,
    private readonly stream: string,
    private readonly onLate: (msg: PulledMessage) => void,
    private readonly onError: (error: unknown) => void,
  ) {
    this.sub = nc.subscribe(`${this.inbox}.*`, {
      callback: (error, msg) => {
        if (error) {
          this.onError(error);
          this.closeAll();
          return;
        }
        this.receive(msg);
      },
    });
  }

  pull(request: PullRequest): Promise<PullOutcome> {
    if (this.byDurable.has(request.durable)) {
      return Promise.reject(new Error(`a pull for ${JSON.stringify(request.durable)} is already open`));
    }
    const token = String(++this.nextToken);
    const body = {
      batch: request.batch,
      no_wait: true,
      ...(request.expiresMs === undefined ? {} : { expires: nanos(request.expiresMs) }),
    };
    return new Promise<PullOutcome>((resolve, reject) => {
      const timer = setTimeout(() => this.finish(token, { kind: 'no-answer' }), (request.expiresMs ?? 0) + request.guardMs);
      this.open.set(token, { durable: request.durable, batch: request.batch, received: 0, onMessage: request.onMessage, timer, resolve });
      this.byDurable.set(request.durable, token);
      try {
        this.nc.publish(`${this.apiPrefix}.CONSUMER.MSG.NEXT.${this.stream}.${request.durable}`, JSON.stringify(body), {
          reply: `${this.inbox}.${token}`,
        });
      } catch (error) {
        clearTimeout(timer);
        this.open.delete(token);
        this.byDurable.delete(request.durable);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** Ends open requests as 'closed' and unsubscribes; later deliveries go unanswered (their ack wait brings them back). */
  close(): void {
    this.closeAll();
    if (!this.sub.isClosed()) this.sub.unsubscribe();
  }

  private receive(msg: Msg): void {
    const pulled = PulledMessage.from(msg);
    if (pulled === undefined) {
      // A status, sent to the request's own reply subject. 100 is a heartbeat (never asked
      // for); 404/408 mean nothing (more) is there; anything else ends the request too.
      const token = msg.subject.startsWith(`${this.inbox}.`) ? msg.subject.slice(this.inbox.length + 1) : '';
      const code = msg.headers?.code ?? 0;
      if (!this.open.has(token) || code === 100) return;
      if (code === 404 || code === 408) this.finish(token, { kind: 'drained' });
      else this.finish(token, { kind: 'status', code, description: msg.headers?.description ?? '' });
      return;
    }
    const token = this.byDurable.get(pulled.info.consumer);
    const request = token === undefined ? undefined : this.open.get(token);
    if (token === undefined || request === undefined) {
      this.onLate(pulled);
      return;
    }
    request.received++;
    try {
      request.onMessage(pulled);
    } catch (error) {
      this.onError(error);
    }
    if (request.received >= request.batch) this.finish(token, { kind: 'filled' });
  }

  private finish(token: string, end: PullEnd): void {
    const request = this.open.get(token);
    if (request === undefined) return;
    this.open.delete(token);
    this.byDurable.delete(request.durable);
    clearTimeout(request.timer);
    request.resolve({ received: request.received, end });
  }

  private closeAll(): void {
    for (const token of [...this.open.keys()]) this.finish(token, { kind: 'closed' });
  }
}
