// One background scan: page through every source (ingest's list-sources API), pick the
// ones not synced for their minAge, and ask for a background sync of each (joining a job
// already queued or running). Stops early if the lease is lost mid-scan, so two replicas
// never scan at once for long.
import type { NatsConnection } from '@nats-io/transport-node';
import { requestJson } from '@freshet/bus';
import { PRIORITY, RPC, listSourcesReplySchema, rpcSubject, type RevalidateRequest } from '@freshet/contracts';
import type { Logger } from '@freshet/telemetry';
import type { RevalidateOutcome } from '../jobs/revalidate';
import { dueSources } from './due-sources';

export interface ScanResult {
  at: string;
  sources: number;
  due: number;
  queued: number;
  joined: number;
  failed: number;
  /** True when the lease was lost part-way and the scan stopped. */
  leaseLost: boolean;
  durationMs: number;
}

export interface ScanDeps {
  nc: NatsConnection;
  prefix: string;
  rpcTimeoutMs: number;
  revalidate: (request: RevalidateRequest) => Promise<RevalidateOutcome>;
  stillLeader: () => boolean;
  now: () => Date;
  logger: Logger;
}

export async function runBackgroundScan(deps: ScanDeps): Promise<ScanResult> {
  const started = deps.now();
  const result: ScanResult = { at: started.toISOString(), sources: 0, due: 0, queued: 0, joined: 0, failed: 0, leaseLost: false, durationMs: 0 };
  const summary: Array<{ source: string; lastSyncedAgoMs: number | null; jobId?: string; joined?: boolean }> = [];
  let after: string | undefined;
  do {
    const reply = await requestJson(
      deps.nc,
      rpcSubject(deps.prefix, RPC.ingest.service, RPC.ingest.listSources),
      { limit: 500, ...(after ? { after } : {}) },
      listSourcesReplySchema,
      deps.rpcTimeoutMs,
    );
    if (!reply.ok) throw new Error(`ingest refused list-sources: ${reply.error.message}`);
    result.sources += reply.sources.length;
    for (const source of dueSources(reply.sources, deps.now().getTime())) {
      if (!deps.stillLeader()) {
        result.leaseLost = true;
        break;
      }
      result.due += 1;
      try {
        const outcome = await deps.revalidate({
          tenant: source.tenant,
          source: source.source,
          priority: source.backgroundPriority ?? PRIORITY.background,
          mode: 'incremental',
          reason: 'background scan',
        });
        if (outcome.joined) result.joined += 1;
        else result.queued += 1;
        summary.push({ source: `${source.tenant}/${source.source}`, lastSyncedAgoMs: source.ageMs, jobId: outcome.jobId, joined: outcome.joined });
      } catch (error) {
        result.failed += 1;
        deps.logger.warn({ err: error, tenant: source.tenant, source: source.source }, 'background scan could not queue a source');
      }
    }
    after = result.leaseLost ? undefined : reply.next;
  } while (after);
  result.durationMs = deps.now().getTime() - started.getTime();
  deps.logger.info({ ...result, jobs: summary.slice(0, 100) }, `background scan: ${result.queued} queued, ${result.joined} joined, ${result.failed} failed of ${result.due} due (${result.sources} sources)`);
  return result;
}
