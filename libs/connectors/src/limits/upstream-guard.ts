// The upstream protection layer every ingest replica shares, so a rate-limited,
// pay-per-call upstream is never hammered however many replicas run:
//
// - acquire: waits for a token in the upstream's token bucket (and its credential's, and
//   the minimum gap between pages), all held in Redis, and waits out a shared pause;
// - pause / observeResponse: records "nobody calls before T" for every replica, from a
//   429 Retry-After or a spent ESI error budget; a pause is only ever lengthened;
// - execute: a circuit breaker per upstream in this process (see circuit-breakers.ts).
//
// Typical use, so an open circuit fails fast without spending a token:
//
//   const page = await guard.execute(upstream.id, async () => {
//     await guard.acquire(upstream, signal);
//     const response = await fetch(url, { signal });
//     await guard.observeResponse(upstream.id, response);
//     if (!response.ok) throw new UpstreamHttpError(response.status, url);
//     return response.json();
//   });
import type { Meter } from '@opentelemetry/api';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { abortableSleep } from './abortable-sleep';
import { createCircuitBreakers, type CircuitOptions, type CircuitStateName } from './circuit-breakers';
import { decidePause, type PauseDecision, type PauseRules } from './decide-pause';
import { DEFAULT_BURST, MAX_SINGLE_WAIT_MS, type WaitReason } from './limits.constants';
import { createPauseStore } from './pause-store';
import { createTokenBuckets, type BucketSpec } from './token-bucket';
import { InvalidUpstreamLimitsError, UpstreamGuardUnavailableError } from './upstream-guard-errors';
import { createGuardInstruments } from './upstream-guard.metrics';
import { upstreamKeys } from './upstream-keys';

export interface UpstreamLimits {
  id: string;
  /** The credential (API key, token) the call is made with, when the upstream limits per credential. */
  credentialId?: string;
  /** Sustained rate allowed for the upstream as a whole, across every replica (may be fractional). */
  requestsPerSecond: number;
  /** Calls that may go at once after a quiet spell (token bucket capacity). Default 1: evenly spaced. */
  burst?: number;
  /** Minimum time between two page requests to this upstream, across every replica. */
  perPageDelayMs?: number;
  /** Rate of each credential's own bucket. Default: requestsPerSecond. */
  credentialRequestsPerSecond?: number;
  /** Capacity of each credential's own bucket. Default: burst. */
  credentialBurst?: number;
}

export interface UpstreamGuardOptions {
  /** Shared by every replica. May carry its own ioredis keyPrefix; keys then get both. */
  redis: Redis;
  /** Prefix of every key the guard writes (a ':' is added when missing). */
  keyPrefix: string;
  logger: Logger;
  /** Wall clock in epoch ms for pauses (token buckets use Redis's clock). Must advance in real time. */
  now?: () => number;
  /** How responses turn into pauses. */
  pauseRules?: PauseRules;
  circuit?: CircuitOptions;
  /** Default: the global provider's meter 'freshet-connectors'. */
  meter?: Meter;
}

export interface UpstreamGuard {
  /** Resolves when a call to the upstream may be made; rejects with the signal's reason when aborted. */
  acquire(upstream: UpstreamLimits, signal?: AbortSignal): Promise<void>;
  /** Pauses the upstream for every replica until `untilMs` (epoch ms) unless a longer pause is in force. Returns the end in force (now, when none). */
  pause(upstreamId: string, untilMs: number, reason: string): Promise<number>;
  /** The end (epoch ms) of the upstream's pause, when one is in force. */
  pausedUntil(upstreamId: string): Promise<number | undefined>;
  /** Interprets a response's backpressure signals (decidePause) and pauses accordingly. Returns what it decided. */
  observeResponse(upstreamId: string, response: { status: number; headers: Headers }): Promise<PauseDecision | undefined>;
  /** Runs `fn` through the upstream's circuit breaker; UpstreamCircuitOpenError while it is open. */
  execute<T>(upstreamId: string, fn: () => Promise<T>): Promise<T>;
  circuitState(upstreamId: string): CircuitStateName;
}

interface Step {
  key: string;
  spec: BucketSpec;
  reason: WaitReason;
}

function validated(upstream: UpstreamLimits): UpstreamLimits & { burst: number } {
  const { id, credentialId, requestsPerSecond, perPageDelayMs } = upstream;
  const burst = upstream.burst ?? DEFAULT_BURST;
  const fail = (reason: string): never => {
    throw new InvalidUpstreamLimitsError(id, reason);
  };
  if (typeof id !== 'string' || id === '') fail('id must be a non-empty string');
  if (credentialId !== undefined && credentialId === '') fail('credentialId must not be empty');
  if (!(Number.isFinite(requestsPerSecond) && requestsPerSecond > 0)) fail(`requestsPerSecond must be > 0, got ${requestsPerSecond}`);
  if (!(Number.isInteger(burst) && burst >= 1)) fail(`burst must be an integer ≥ 1, got ${burst}`);
  if (perPageDelayMs !== undefined && !(Number.isFinite(perPageDelayMs) && perPageDelayMs >= 0)) {
    fail(`perPageDelayMs must be ≥ 0, got ${perPageDelayMs}`);
  }
  const { credentialRequestsPerSecond: credentialRate, credentialBurst } = upstream;
  if (credentialRate !== undefined && !(Number.isFinite(credentialRate) && credentialRate > 0)) {
    fail(`credentialRequestsPerSecond must be > 0, got ${credentialRate}`);
  }
  if (credentialBurst !== undefined && !(Number.isInteger(credentialBurst) && credentialBurst >= 1)) {
    fail(`credentialBurst must be an integer ≥ 1, got ${credentialBurst}`);
  }
  return { ...upstream, burst };
}

export function createUpstreamGuard(options: UpstreamGuardOptions): UpstreamGuard {
  const { redis, logger } = options;
  const now = options.now ?? Date.now;
  const keys = upstreamKeys(options.keyPrefix);
  const buckets = createTokenBuckets(redis);
  const pauses = createPauseStore(redis);
  const instruments = createGuardInstruments(options.meter);
  const breakers = createCircuitBreakers(options.circuit ?? {}, {
    onOpen(upstreamId, error) {
      instruments.circuitOpens.add(1, { upstream: upstreamId });
      logger.warn({ upstream: upstreamId, err: error }, 'upstream circuit opened: failing fast');
    },
    onHalfOpen(upstreamId) {
      logger.info({ upstream: upstreamId }, 'upstream circuit half-open: sending a trial call');
    },
    onClose(upstreamId) {
      logger.info({ upstream: upstreamId }, 'upstream circuit closed');
    },
  });

  async function guarded<T>(upstreamId: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw new UpstreamGuardUnavailableError(upstreamId, error);
    }
  }

  async function pausedUntil(upstreamId: string): Promise<number | undefined> {
    const pause = await guarded(upstreamId, () => pauses.read(keys.pause(upstreamId)));
    return pause !== undefined && pause.untilMs > now() ? pause.untilMs : undefined;
  }

  async function pause(upstreamId: string, untilMs: number, reason: string): Promise<number> {
    const at = now();
    if (!(Number.isFinite(untilMs) && untilMs > at)) return (await pausedUntil(upstreamId)) ?? at;
    const state = await guarded(upstreamId, () => pauses.extend(keys.pause(upstreamId), untilMs, reason, at));
    if (state.extended) {
      instruments.pauses.add(1, { upstream: upstreamId, reason });
      logger.warn({ upstream: upstreamId, reason, until: new Date(state.untilMs).toISOString() }, 'upstream paused for every replica');
    } else {
      logger.debug({ upstream: upstreamId, reason, until: state.untilMs }, 'upstream already paused for longer');
    }
    return state.untilMs;
  }

  function stepsFor(upstream: UpstreamLimits & { burst: number }): Step[] {
    const steps: Step[] = [
      { key: keys.bucket(upstream.id), spec: { ratePerSecond: upstream.requestsPerSecond, capacity: upstream.burst }, reason: 'upstream_rate' },
    ];
    if (upstream.credentialId !== undefined) {
      steps.push({
        key: keys.credentialBucket(upstream.id, upstream.credentialId),
        spec: {
          ratePerSecond: upstream.credentialRequestsPerSecond ?? upstream.requestsPerSecond,
          capacity: upstream.credentialBurst ?? upstream.burst,
        },
        reason: 'credential_rate',
      });
    }
    if (upstream.perPageDelayMs !== undefined && upstream.perPageDelayMs > 0) {
      steps.push({ key: keys.pageGap(upstream.id), spec: { ratePerSecond: 1000 / upstream.perPageDelayMs, capacity: 1 }, reason: 'page_delay' });
    }
    return steps;
  }

  /**
   * Takes a token from every bucket at once; when one refuses, gives back the tokens the
   * others granted (a refused call must not spend the upstream's budget) and reports the
   * longest wait among the refusals.
   */
  async function takeAll(upstreamId: string, steps: readonly Step[]): Promise<{ waitMs: number; reason: WaitReason } | undefined> {
    const results = await guarded(upstreamId, () => Promise.all(steps.map((step) => buckets.take(step.key, step.spec))));
    let refusal: { waitMs: number; reason: WaitReason } | undefined;
    const granted: Step[] = [];
    results.forEach((result, index) => {
      const step = steps[index] as Step;
      if (result.taken) granted.push(step);
      else if (refusal === undefined || result.retryAfterMs > refusal.waitMs) refusal = { waitMs: result.retryAfterMs, reason: step.reason };
    });
    if (refusal !== undefined && granted.length > 0) {
      await guarded(upstreamId, () => Promise.all(granted.map((step) => buckets.giveBack(step.key, step.spec))));
    }
    return refusal;
  }

  return {
    async acquire(upstream, signal) {
      signal?.throwIfAborted();
      const limits = validated(upstream);
      const steps = stepsFor(limits);
      const startedAt = performance.now();
      const waitedFor = new Set<WaitReason>();
      const wait = async (ms: number, reason: WaitReason) => {
        if (!waitedFor.has(reason)) instruments.throttleWaits.add(1, { upstream: limits.id, reason });
        waitedFor.add(reason);
        await abortableSleep(Math.min(ms, MAX_SINGLE_WAIT_MS), signal);
      };
      for (;;) {
        signal?.throwIfAborted();
        const pausedTill = await pausedUntil(limits.id);
        if (pausedTill !== undefined) {
          await wait(pausedTill - now(), 'paused');
          continue;
        }
        const refusal = await takeAll(limits.id, steps);
        if (refusal === undefined) break;
        await wait(refusal.waitMs, refusal.reason);
      }
      instruments.waitSeconds.record((performance.now() - startedAt) / 1000, { upstream: limits.id });
    },

    pause,

    pausedUntil,

    async observeResponse(upstreamId, response) {
      const decision = decidePause(response.status, response.headers, now(), options.pauseRules);
      if (decision !== undefined) await pause(upstreamId, decision.untilMs, decision.reason);
      return decision;
    },

    execute: (upstreamId, fn) => breakers.execute(upstreamId, fn),
    circuitState: (upstreamId) => breakers.state(upstreamId),
  };
}
