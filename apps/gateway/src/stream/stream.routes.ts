// The gateway's SSE surface (decision 0011):
//   GET /v1/tenants/:tenant/stream?channel=source:<id>&channel=tenant&channel=admin
//   GET /v1/tenants/:tenant/sources/:source/events            (the one-source form)
// Optional: `coalesce=<ms>`, and `lastEventId=<epoch>:<seq>` (or the Last-Event-ID header).
//
// Refusals come before the stream opens, as ordinary JSON errors: a token in the URL 400,
// bad channels 400, no credential 401, another tenant or a missing scope 403, an unknown
// source 404, too many open streams 429. A bad Last-Event-ID is never one of them: the
// stream opens and says `reset`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Meter } from '@opentelemetry/api';
import { z } from 'zod';
import { tenantIdSchema } from '@freshet/contracts';
import { HttpProblem, type Logger } from '@freshet/telemetry';
import type { Principal } from '../auth/principal';
import { authorizeChannels, parseChannels, type Channel } from '../channels/channel';
import { channelParamsSchema } from '../channels/channel-params';
import { cachedSourceCheck } from '../sources/source-existence';
import { lookupSource } from '../sources/source-lookup';
import { lastEventIdOf } from './decide-resume';
import type { FanoutHub } from './fanout-hub';
import { startExpirySchedule } from './expiry-schedule';
import { startHeartbeatWheel } from './heartbeat-wheel';
import { planResume, startDelivery } from './resume';
import { SseConnection } from './sse-connection';
import type { StreamConfig } from './stream-config';
import { StreamLimiter } from './stream-limits';
import { streamMetrics } from './stream-metrics';
import { parseCoalesce, queryValues, refuseTokenInUrl } from './stream-request';

export interface StreamRoutesOptions {
  nc: NatsConnection;
  /** The subject prefix (not `prefix`: Fastify reads that register option as a URL prefix). */
  subjectPrefix: string;
  eventsStream: string;
  hub: FanoutHub;
  config: Readonly<StreamConfig & { GATEWAY_RPC_TIMEOUT_MS: number }>;
  logger: Logger;
  meter: Meter;
  /** Who is calling; throws HttpProblem 401 when nobody is. */
  authenticate: (request: FastifyRequest) => Promise<Principal>;
  /** Throws HttpProblem 404 for a source that does not exist; default: ingest's get-source RPC. */
  sourceExists?: (tenant: string, source: string) => Promise<void>;
  /** Demand signal: called for each source channel of an open stream; the returned function is called when it closes. */
  onWatch?: (tenant: string, source: string) => () => void;
}

/** Live frames a replaying connection may hold, as a multiple of GATEWAY_MAX_BUFFERED_BYTES (shared Buffers: mostly references). */
const REPLAY_HOLD_FACTOR = 8;

/** Confirmed sources remembered at most (source-existence.ts); beyond it the oldest is asked again. */
const SOURCE_CHECK_MAX_ENTRIES = 10_000;

const tenantParamsSchema = z.object({ tenant: tenantIdSchema });

export async function streamRoutes(app: FastifyInstance, options: StreamRoutesOptions): Promise<void> {
  const { config, hub } = options;
  const metrics = streamMetrics(options.meter);
  const heartbeats = startHeartbeatWheel(config.GATEWAY_HEARTBEAT_MS, (error) => options.logger.error({ err: error }, 'heartbeat failed'));
  const expiries = startExpirySchedule({ onError: (error) => options.logger.error({ err: error }, 'stream expiry failed') });
  app.addHook('onClose', async () => {
    heartbeats.stop();
    expiries.stop();
  });
  const limiter = new StreamLimiter({ perCredential: config.GATEWAY_MAX_STREAMS_PER_CREDENTIAL, perIp: config.GATEWAY_MAX_STREAMS_PER_IP });
  const livePosition = () => hub.position();
  const sourceExists =
    options.sourceExists ??
    cachedSourceCheck(
      async (tenant, source) => {
        await lookupSource(options.nc, options.subjectPrefix, { tenant, source }, config.GATEWAY_RPC_TIMEOUT_MS);
      },
      { ttlMs: config.GATEWAY_SOURCE_CHECK_TTL_MS, maxEntries: SOURCE_CHECK_MAX_ENTRIES },
    );

  async function openStream(request: FastifyRequest, reply: FastifyReply, tenant: string, channels: Channel[]): Promise<void> {
    const query = request.query as Record<string, unknown>;
    const coalesceMs = parseCoalesce(query, config.GATEWAY_MAX_COALESCE_MS);
    const principal = await options.authenticate(request);
    authorizeChannels(principal, channels);
    await Promise.all(channels.flatMap((c) => (c.kind === 'source' ? [sourceExists(c.tenant, c.source)] : [])));
    // The directory knows them: their events may be labelled by name in the data-age metric.
    for (const c of channels) if (c.kind === 'source') hub.knownSources.confirm(c.tenant, c.source);
    const plan = await planResume({
      nc: options.nc,
      eventsStream: options.eventsStream,
      hub,
      lastEventId: lastEventIdOf(request.headers['last-event-id'], query['lastEventId']),
      maxEvents: config.GATEWAY_REPLAY_MAX_EVENTS,
    });
    const slot = limiter.acquire(principal.credentialId, request.ip);
    if (!slot.ok) {
      metrics.refused.add(1, { reason: slot.limit === 'credential' ? 'credential_limit' : 'ip_limit' });
      throw new HttpProblem(429, 'TOO_MANY_STREAMS', slot.message);
    }

    // From here on the response is ours. No await between taking the slot and handing its
    // release to the connection, so no path can leak it.
    reply.hijack();
    // The request's own logger (it has the request id): a child per stream would be kept for
    // the stream's whole life, ~0.5 KiB each at tens of thousands of streams.
    const log = request.log;
    const connection = new SseConnection({
      res: reply.raw,
      tenant,
      subject: principal.subject,
      channels,
      retryMs: config.GATEWAY_RETRY_HINT_MS,
      heartbeats,
      coalesceMs,
      maxBufferedBytes: config.GATEWAY_MAX_BUFFERED_BYTES,
      replayBufferMaxBytes: config.GATEWAY_MAX_BUFFERED_BYTES * REPLAY_HOLD_FACTOR,
      expiresAt: principal.expiresAt,
      expiries,
      livePosition,
      metrics,
      logger: log,
    });
    connection.onClose(slot.release);
    connection.onClose(() => hub.unregister(connection));
    for (const channel of channels) {
      if (channel.kind !== 'source' || !options.onWatch) continue;
      try {
        connection.onClose(options.onWatch(channel.tenant, channel.source));
      } catch (error) {
        // The demand signal is an optimisation; a failure must not cost the client its stream.
        log.warn({ err: error, tenant, subject: principal.subject, source: channel.source }, 'demand signal failed');
      }
    }
    connection.open(reply.getHeaders());
    if (!connection.isOpen) return;
    log.debug({ tenant, subject: principal.subject, channels: channels.length, plan: plan.kind, coalesceMs }, 'SSE stream opened');
    try {
      await startDelivery(connection, plan, {
        nc: options.nc,
        prefix: options.subjectPrefix,
        eventsStream: options.eventsStream,
        hub,
        maxAgeMs: config.GATEWAY_REPLAY_MAX_AGE_MS,
        logger: log,
      });
    } catch (error) {
      // Headers are gone; the only honest answer is to end. The client reconnects with
      // its last id and resumes exactly.
      log.warn({ err: error, tenant, subject: principal.subject }, 'SSE stream failed while starting; closing it');
      connection.abort();
    }
  }

  app.get('/v1/tenants/:tenant/stream', { exposeHeadRoute: false }, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    refuseTokenInUrl(query);
    const { tenant } = tenantParamsSchema.parse(request.params);
    await openStream(request, reply, tenant, parseChannels(tenant, queryValues(query, 'channel')));
  });

  app.get('/v1/tenants/:tenant/sources/:source/events', { exposeHeadRoute: false }, async (request, reply) => {
    refuseTokenInUrl(request.query as Record<string, unknown>);
    const { tenant, source } = channelParamsSchema.parse(request.params);
    await openStream(request, reply, tenant, [{ kind: 'source', tenant, source }]);
  });
}
