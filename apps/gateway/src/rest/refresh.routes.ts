// POST /v1/tenants/:tenant/sources/:source/refresh — ask for a sync now. The scheduler
// decides (its `revalidate` RPC): it joins the job already queued for the source (single
// flight) or queues a new one on the request's priority tier; a job already running may
// have read past the change the user wants to see, so the refresh gets the follow-up that
// runs after it (one per running job, shared). 202 + job id.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { RPC, refreshBodySchema, refreshResponseSchema, revalidateReplySchema, sourceParamsSchema, type RevalidateRequestInput } from '@freshet/contracts';
import { principalOf, requireAccess } from './access';
import { askService, problemFrom } from './internal-rpc';
import { errorResponses, rpcTarget, type RestRouteOptions } from './rest-options';

const STATUS_OF_ERROR: Readonly<Record<string, number>> = { SOURCE_NOT_FOUND: 404, BAD_REQUEST: 400, SOURCE_DIRECTORY_UNAVAILABLE: 503 };

export async function refreshRoutes(app: FastifyInstance, options: RestRouteOptions): Promise<void> {
  const target = rpcTarget(options);
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/tenants/:tenant/sources/:source/refresh',
    {
      onRequest: requireAccess(options.authenticate, 'sources:refresh'),
      schema: {
        operationId: 'refreshSource',
        tags: ['sources'],
        summary: 'Ask for a sync of the source now',
        description:
          'Joins the job already queued for the source, or queues one. When a sync is already running, the refresh gets the one follow-up sync that starts after it (shared by every refresh meanwhile), so a change made just before the refresh is seen. The new data then arrives on the stream.',
        params: sourceParamsSchema,
        body: refreshBodySchema,
        response: { 202: refreshResponseSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { tenant, source } = request.params;
      const payload: RevalidateRequestInput = { tenant, source, priority: request.body.priority, mode: request.body.mode, reason: 'refresh requested through the gateway', force: true };
      const answer = await askService(target, {
        service: RPC.scheduler.service,
        method: RPC.scheduler.revalidate,
        payload,
        reply: revalidateReplySchema,
        unavailable: { code: 'SCHEDULER_UNAVAILABLE', message: 'the scheduler did not answer; try again shortly' },
      });
      if (!answer.ok) throw problemFrom(answer.error, STATUS_OF_ERROR);
      request.log.info({ tenant, source, subject: principalOf(request).subject, jobId: answer.jobId, joined: answer.joined, priority: answer.priority }, 'refresh requested');
      return reply.code(202).send({ jobId: answer.jobId, joined: answer.joined, priority: answer.priority, status: answer.status });
    },
  );
}
