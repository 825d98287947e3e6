// The streaming core's settings, as a zod shape fragment for the gateway's config schema
// (spread it into `gatewayConfigSchema`). Every limit here bounds memory or work a client
// can make one gateway spend; the defaults fit a browser dashboard behind a proxy.
import { z } from 'zod';

const int = () => z.coerce.number().int();

export const streamConfigShape = {
  /** Comment line sent on every open stream this often, so proxies do not close idle ones. */
  GATEWAY_HEARTBEAT_MS: int().min(1_000).default(15_000),
  /** `retry:` hint sent on open: how long an EventSource waits before reconnecting. */
  GATEWAY_RETRY_HINT_MS: int().min(0).max(600_000).default(2_000),
  /**
   * Most events a resume may replay, counted in stream sequences (every tenant's events
   * count: the distance is what the per-connection consumer has to read). Further behind,
   * the client gets `reset` and reloads snapshots, which is cheaper than replaying.
   */
  GATEWAY_REPLAY_MAX_EVENTS: int().min(0).default(100_000),
  /** Oldest first event a resume may replay; older positions get `reset`. */
  GATEWAY_REPLAY_MAX_AGE_MS: int().positive().default(86_400_000),
  /** Unsent bytes a connection may queue before it is dropped as a slow client. */
  GATEWAY_MAX_BUFFERED_BYTES: int().min(16_384).default(1_048_576),
  /** Concurrent streams one credential may hold on one gateway process. */
  GATEWAY_MAX_STREAMS_PER_CREDENTIAL: int().positive().default(20),
  /** Concurrent streams one client address may hold on one gateway process. */
  GATEWAY_MAX_STREAMS_PER_IP: int().positive().default(500),
  /**
   * How long a source ingest confirmed is trusted before the next stream on it asks again
   * (sources/source-existence.ts): a reconnect storm costs one lookup per source, not one
   * per stream. Unknown sources are never remembered. 0: ask for every stream.
   */
  GATEWAY_SOURCE_CHECK_TTL_MS: int().min(0).max(300_000).default(5_000),
  /** Longest coalescing window a client may ask for (`?coalesce=<ms>`). */
  GATEWAY_MAX_COALESCE_MS: int().min(0).max(60_000).default(5_000),
};

export const streamConfigSchema = z.object(streamConfigShape);
export type StreamConfig = z.infer<typeof streamConfigSchema>;
