// One background scan: read the demand signal (which sources gateways stream now), page
// through every source (ingest's list-sources API), pick the ones due — a watched source
// after its watchedMinAge, any other after its minAge — and ask for a background sync of
// each, watched ones first (joining a job already queued or running). Stops early if the
// lease is lost mid-scan, so two replicas never scan at once for long.
//
// A source whose jobs keep dying waits after each death, longer each time (due-sources.ts,
// decision 0008): the ledger's deaths are read with each directory page, one query per
// page, and the sources held back are counted (`backedOff`) and logged.
//
// Watched or not, the sync is asked at the source's background priority: it stays below
// the user-waiting tier, so an upstream's daily request budget still makes it wait once
// only the reserve is left. Without a demand signal (NATS KV failing) the scan goes on
// with every source at its minAge, as before the signal existed.
import type { NatsConnection } from '@nats-io/transport-node';
import { requestJson } from '@freshet/bus';
import { PRIORITY, RPC, listSourcesReplySchema, rpcSubject, type RevalidateRequest } from '@freshet/contracts';
import type { Logger } from '@freshet/telemetry';
import type { RevalidateOutcome } from '../jobs/revalidate';
import type { ReadDeathStreaks } from './death-streaks';
import { dueBecauseWatched, planScan, type DeadJobBackoff, type DeathStreak, type SourceSchedule } from './due-sources';
import type { ReadWatchedSources } from './watched-sources';

/** `interval`: the periodic full scan; `demand`: a scan between them because sources are watched. */
export type ScanTrigger = 'interval' | 'demand';

export interface ScanResult {
  at: string;
  trigger: ScanTrigger;
  sources: number;
  /** Sources gateways stream now (the demand signal); null when it could not be read. */
  watched: number | null;
  due: number;
  /** Of `due`, those only due because they are watched (their minAge is not reached). */
  dueWatched: number;
  queued: number;
  joined: number;
  failed: number;
  /** Sources that would be due but wait because their jobs keep dying (dead-job backoff). */
  backedOff: number;
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
  /** The demand signal as "tenant/source" keys; without it nothing is watched. */
  readWatched?: ReadWatchedSources;
  /** The dead-job backoff: the ledger's deaths per directory page, and the waits; without it nothing backs off. */
  deadJobs?: { read: ReadDeathStreaks; backoff: DeadJobBackoff };
}

const PAGE_SIZE = 500;

async function readDemand(deps: ScanDeps): Promise<ReadonlySet<string> | null> {
  if (!deps.readWatched) return new Set();
  try {
    return await deps.readWatched();
  } catch (error) {
    deps.logger.warn({ err: error }, 'could not read the demand signal; this scan treats every source as unwatched');
    return null;
  }
}

/** The periodic full scan. */
export async function runBackgroundScan(deps: ScanDeps): Promise<ScanResult> {
  const started = deps.now();
  return scan(deps, started, await readDemand(deps), 'interval');
}

/**
 * A scan between the periodic ones, so watched sources keep to their watchedMinAge: null,
 * without listing anything, when no source is watched (or the signal cannot be read).
 */
export async function runDemandScan(deps: ScanDeps): Promise<ScanResult | null> {
  const started = deps.now();
  const watched = await readDemand(deps);
  return watched && watched.size > 0 ? scan(deps, started, watched, 'demand') : null;
}

async function scan(deps: ScanDeps, started: Date, watched: ReadonlySet<string> | null, trigger: ScanTrigger): Promise<ScanResult> {
  const result: ScanResult = {
    at: started.toISOString(),
    trigger,
    sources: 0,
    watched: watched?.size ?? null,
    due: 0,
    dueWatched: 0,
    queued: 0,
    joined: 0,
    failed: 0,
    backedOff: 0,
    leaseLost: false,
    durationMs: 0,
  };
  const summary: Array<{ source: string; lastSyncedAgoMs: number | null; watched: boolean; deadJobs?: number; jobId?: string; joined?: boolean }> = [];

  // The whole directory first (a few numbers per source), so watched sources can go first.
  const schedules: SourceSchedule[] = [];
  const streaks = new Map<string, DeathStreak>();
  let after: string | undefined;
  do {
    const reply = await requestJson(
      deps.nc,
      rpcSubject(deps.prefix, RPC.ingest.service, RPC.ingest.listSources),
      { limit: PAGE_SIZE, ...(after ? { after } : {}) },
      listSourcesReplySchema,
      deps.rpcTimeoutMs,
    );
    if (!reply.ok) throw new Error(`ingest refused list-sources: ${reply.error.message}`);
    schedules.push(...reply.sources);
    if (deps.deadJobs) for (const [key, streak] of await deps.deadJobs.read(reply.sources)) streaks.set(key, streak);
    after = reply.next;
  } while (after);
  result.sources = schedules.length;

  const plan = planScan(schedules, deps.now().getTime(), {
    watched: watched ?? undefined,
    deadJobs: deps.deadJobs ? { streaks, backoff: deps.deadJobs.backoff } : undefined,
  });
  result.backedOff = plan.backedOff.length;
  for (const source of plan.due) {
    if (!deps.stillLeader()) {
      result.leaseLost = true;
      break;
    }
    result.due += 1;
    if (dueBecauseWatched(source)) result.dueWatched += 1;
    try {
      const outcome = await deps.revalidate({
        tenant: source.tenant,
        source: source.source,
        priority: source.backgroundPriority ?? PRIORITY.background,
        mode: 'incremental',
        reason: source.watched ? 'background scan (watched)' : 'background scan',
      });
      if (outcome.joined) result.joined += 1;
      else result.queued += 1;
      summary.push({
        source: `${source.tenant}/${source.source}`,
        lastSyncedAgoMs: source.ageMs,
        watched: source.watched,
        ...(source.deadJobs > 0 ? { deadJobs: source.deadJobs } : {}),
        jobId: outcome.jobId,
        joined: outcome.joined,
      });
    } catch (error) {
      result.failed += 1;
      deps.logger.warn({ err: error, tenant: source.tenant, source: source.source }, 'background scan could not queue a source');
    }
  }
  result.durationMs = deps.now().getTime() - started.getTime();
  // A demand scan that found nothing to do runs every few seconds: not worth an info line.
  const level = trigger === 'interval' || result.due > 0 ? 'info' : 'debug';
  const backedOff = plan.backedOff.slice(0, 100).map((b) => ({ source: `${b.tenant}/${b.source}`, deaths: b.deaths, lastDeathAt: b.lastDeathAt, retryAt: b.retryAt }));
  deps.logger[level](
    { ...result, jobs: summary.slice(0, 100), backedOffSources: backedOff },
    `background scan: ${result.queued} queued, ${result.joined} joined, ${result.failed} failed of ${result.due} due (${result.dueWatched} for watching only; ${result.sources} sources, ${result.watched ?? 'unknown'} watched; ${result.backedOff} backed off after dead jobs)`,
  );
  return result;
}
