// The scheduler's request/reply API: `<prefix>.rpc.scheduler.revalidate`. Used by the
// gateway's refresh endpoint and the cache on stale reads. Validates the request, checks
// the source exists (ingest's directory), joins or queues the job, dispatches it.
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { requestJson, respondJson } from '@freshet/bus';
import { RPC, getSourceReplySchema, revalidateRequestSchema, rpcSubject, type RevalidateRequest } from '@freshet/contracts';
import type { Logger } from '@freshet/telemetry';
import type { RevalidateOutcome } from '../jobs/revalidate';
import { noteRevalidateOutcome } from '../jobs/job-tracing';

export interface RevalidateService {
  revalidate(request: RevalidateRequest): Promise<RevalidateOutcome>;
}

export function startRevalidateResponder(nc: NatsConnection, prefix: string, rpcTimeoutMs: number, service: RevalidateService, logger: Logger): Subscription {
  return respondJson(
    nc,
    rpcSubject(prefix, RPC.scheduler.service, RPC.scheduler.revalidate),
    revalidateRequestSchema,
    logger,
    async (request) => {
      const source = await requestJson(
        nc,
        rpcSubject(prefix, RPC.ingest.service, RPC.ingest.getSource),
        { tenant: request.tenant, source: request.source },
        getSourceReplySchema,
        rpcTimeoutMs,
      ).catch(() => undefined);
      if (!source) return { ok: false, error: { code: 'SOURCE_DIRECTORY_UNAVAILABLE', message: 'the source directory (ingest) did not answer' } };
      if (!source.ok) return { ok: false, error: source.error };
      const outcome = await service.revalidate(request);
      noteRevalidateOutcome(outcome);
      return { ok: true, jobId: outcome.jobId, joined: outcome.joined, priority: outcome.priority, status: outcome.status };
    },
    'scheduler',
  );
}
