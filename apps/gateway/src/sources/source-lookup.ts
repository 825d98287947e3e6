// Asks ingest (over its NATS request/reply API) whether a source exists, so the gateway
// refuses unknown channels with a 404 instead of opening a stream that never speaks.
import type { NatsConnection } from '@nats-io/transport-node';
import { RPC, getSourceReplySchema, rpcSubject, type SourceInfo } from '@freshet/contracts';
import { HttpProblem } from '@freshet/telemetry';

export async function lookupSource(
  nc: NatsConnection,
  prefix: string,
  channel: { tenant: string; source: string },
  timeoutMs: number,
): Promise<SourceInfo> {
  let reply: unknown;
  try {
    const msg = await nc.request(rpcSubject(prefix, RPC.ingest.service, RPC.ingest.getSource), JSON.stringify(channel), {
      timeout: timeoutMs,
    });
    reply = msg.json();
  } catch (error) {
    throw new HttpProblem(503, 'SOURCE_DIRECTORY_UNAVAILABLE', 'the source directory (ingest) did not answer; try again shortly', undefined, {
      cause: error,
    });
  }
  const parsed = getSourceReplySchema.safeParse(reply);
  if (!parsed.success) throw new HttpProblem(502, 'BAD_INTERNAL_REPLY', 'ingest answered with an unexpected reply');
  if (parsed.data.ok) return parsed.data.source;
  if (parsed.data.error.code === 'SOURCE_NOT_FOUND') throw new HttpProblem(404, 'SOURCE_NOT_FOUND', parsed.data.error.message);
  throw new HttpProblem(502, parsed.data.error.code, parsed.data.error.message);
}
