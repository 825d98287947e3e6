// Logs what a JetStream consumer reports about itself (missed heartbeats, a deleted
// consumer, a recreated ordered consumer) so a silent consumer is never a mystery.
import type { ConsumerMessages } from '@nats-io/jetstream';
import type { Logger } from 'pino';

export function watchConsumerStatus(messages: ConsumerMessages, log: Logger): void {
  void (async () => {
    for await (const s of messages.status()) {
      switch (s.type) {
        case 'heartbeats_missed':
          log.warn({ count: s.count }, 'consumer missed server heartbeats');
          break;
        case 'consumer_not_found':
        case 'stream_not_found':
          log.warn({ status: s }, 'consumer or stream not found; retrying');
          break;
        case 'consumer_deleted':
          log.error({ status: s }, 'consumer was deleted');
          break;
        case 'ordered_consumer_recreated':
        case 'reset':
          log.info({ status: s }, 'ordered consumer recreated');
          break;
        case 'exceeded_limits':
        case 'no_responders':
          log.warn({ status: s }, 'consumer pull refused');
          break;
        default:
          break;
      }
    }
  })().catch((error: unknown) => log.debug({ err: error }, 'consumer status watch ended'));
}
