// Adapts the Redis-backed upstream guard to the sync engine's UpstreamGate. Sources
// without a configured rate still go through the guard, so a pause set by any replica
// (429, error budget) and a per-page delay hold for them too.
import type { GateUpstream, UpstreamGate } from '../http/upstream-gate';
import type { UpstreamGuard } from './upstream-guard';

/** Effectively unlimited: the bucket never makes anyone wait, pauses still apply. */
const UNLIMITED_RPS = 10_000;

export function guardGate(guard: UpstreamGuard): UpstreamGate {
  return {
    acquire: (upstream: GateUpstream, signal?: AbortSignal) =>
      guard.acquire(
        {
          id: upstream.id,
          credentialId: upstream.credentialId,
          requestsPerSecond: upstream.requestsPerSecond ?? UNLIMITED_RPS,
          burst: upstream.requestsPerSecond === undefined ? UNLIMITED_RPS : upstream.burst,
          perPageDelayMs: upstream.perPageDelayMs || undefined,
        },
        signal,
      ),
    execute: (upstreamId, request) => guard.execute(upstreamId, request),
    observe: async (upstreamId, response) => {
      await guard.observeResponse(upstreamId, response);
    },
  };
}
