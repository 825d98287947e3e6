// POST /v1/tenants/:tenant/sources/:source/refresh — ask for a sync now. Publishes a
// sync command straight to the work queue (the scheduler takes this path over later,
// adding single flight) and answers 202 with the job id to watch for.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { z } from 'zod';
import { publishSyncCommand } from '@freshet/bus';
import { PRIORITY, prioritySchema, syncCommandSchema, syncModeSchema } from '@freshet/contracts';
import { channelParamsSchema } from './channel-params';
import { lookupSource } from '../sources/source-lookup';

const refreshBodySchema = z
  .object({ priority: prioritySchema.default(PRIORITY.userWaiting), mode: syncModeSchema.default('incremental') })
  .strict();

export interface RefreshRouteOptions {
  nc: NatsConnection;
  subjectPrefix: string;
  rpcTimeoutMs: number;
}

export async function refreshRoutes(app: FastifyInstance, options: RefreshRouteOptions): Promise<void> {
  const js = jetstream(options.nc);
  app.post('/v1/tenants/:tenant/sources/:source/refresh', async (request, reply) => {
    const channel = channelParamsSchema.parse(request.params);
    const body = refreshBodySchema.parse(request.body ?? {});
    await lookupSource(options.nc, options.subjectPrefix, channel, options.rpcTimeoutMs);
    const command = syncCommandSchema.parse({
      type: 'sync.requested',
      commandId: randomUUID(),
      jobId: randomUUID(),
      ...channel,
      priority: body.priority,
      mode: body.mode,
      reason: 'refresh requested through the gateway',
      requestedAt: new Date().toISOString(),
    });
    await publishSyncCommand(js, options.subjectPrefix, command);
    request.log.info({ jobId: command.jobId, ...channel, priority: command.priority }, 'refresh queued');
    return reply.code(202).send({ jobId: command.jobId, priority: command.priority, status: 'queued' });
  });
}
