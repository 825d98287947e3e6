// Asks ingest (over its NATS request/reply API) whether a source exists, so the gateway
// refuses unknown channels with a 404 instead of opening a stream that never speaks.
import type { NatsConnection } from '@nats-io/transport-node';
import { RpcBadReplyError, requestJson } from '@freshet/bus';
import { RPC, getSourceReplySchema, rpcSubject, type SourceInfo } from '@freshet/contracts';
import { HttpProblem } from '@freshet/telemetry';

export async function lookupSource(
  nc: NatsConnection,
  prefix: string,
  channel: { tenant: string; source: string },
  timeoutMs: number,
): Promise<SourceInfo> {
  const reply = await requestJson(nc, rpcSubject(prefix, RPC.ingest.service, RPC.ingest.getSource), channel, getSourceReplySchema, timeoutMs).catch(
    (error: unknown) => {
      if (error instanceof RpcBadReplyError) throw new HttpProblem(502, 'BAD_INTERNAL_REPLY', 'ingest answered with an unexpected reply', undefined, { cause: error });
      throw new HttpProblem(503, 'SOURCE_DIRECTORY_UNAVAILABLE', 'the source directory (ingest) did not answer; try again shortly', undefined, { cause: error });
    },
  );
  if (reply.ok) return reply.source;
  if (reply.error.code === 'SOURCE_NOT_FOUND') throw new HttpProblem(404, 'SOURCE_NOT_FOUND', reply.error.message);
  throw new HttpProblem(502, reply.error.code, reply.error.message);
}
