// GET /v1/tenants/:tenant/sources/:source/events — Server-Sent Events for one channel.
// Each event: `id:` = JetStream stream sequence, `event:` = event type, `data:` = the
// event JSON. Starts right after the stream's current end (or after Last-Event-ID), so
// nothing published after the request is missed.
import type { FastifyInstance } from 'fastify';
import type { NatsConnection } from '@nats-io/transport-node';
import { StreamHistoryGoneError, consumeOrdered, streamLastSequence, type ConsumerHandle } from '@freshet/bus';
import { SSE_EVENTS, eventFilter, freshetEventSchema } from '@freshet/contracts';
import { channelParamsSchema } from './channel-params';
import { parseLastEventId } from './last-event-id';
import { lookupSource } from '../sources/source-lookup';
import type { Logger } from '@freshet/telemetry';

export interface StreamRouteOptions {
  nc: NatsConnection;
  subjectPrefix: string;
  eventsStream: string;
  rpcTimeoutMs: number;
  logger: Logger;
}

export async function streamRoutes(app: FastifyInstance, options: StreamRouteOptions): Promise<void> {
  app.get('/v1/tenants/:tenant/sources/:source/events', { sse: { kind: 'only' } }, async (request, reply) => {
    const channel = channelParamsSchema.parse(request.params);
    const lastEventId = parseLastEventId(request.headers['last-event-id'], (request.query as Record<string, unknown>)['lastEventId']);
    await lookupSource(options.nc, options.subjectPrefix, channel, options.rpcTimeoutMs);

    const startSequence = lastEventId !== undefined ? lastEventId + 1 : (await streamLastSequence(options.nc, options.eventsStream)) + 1;
    reply.sse.keepAlive();
    await reply.sse.send({ event: SSE_EVENTS.ready, data: { channel, after: startSequence - 1 } });

    let subscription: ConsumerHandle;
    try {
      subscription = await consumeOrdered({
        nc: options.nc,
        stream: options.eventsStream,
        filterSubject: eventFilter(options.subjectPrefix, channel),
        startSequence,
        schema: freshetEventSchema,
        logger: options.logger.child({ channel }),
        onMessage: async (event, meta) => {
          if (!reply.sse.isConnected) return;
          await reply.sse.send({ id: String(meta.streamSequence), event: event.type, data: event });
        },
      });
    } catch (error) {
      if (!(error instanceof StreamHistoryGoneError)) throw error;
      // The events after Last-Event-ID are no longer kept: the client must reload.
      await reply.sse.send({ event: SSE_EVENTS.reset, data: { reason: 'history_gone', after: startSequence - 1 } });
      reply.sse.close();
      return;
    }
    reply.sse.onClose(() => {
      void subscription.stop();
    });
    // A client that left while the consumer was being set up never fires onClose.
    if (!reply.sse.isConnected) await subscription.stop();
  });
}
