// What the sync engine asks of the layer that protects an upstream (shared token
// bucket, pauses, circuit breaker). The engine only depends on this interface, so it
// runs unguarded in unit tests and guarded (Redis-backed) in ingest.
export interface UpstreamGate {
  /** Waits until a request to this upstream is allowed (rate limit, pause, per-page delay). */
  acquire(upstream: GateUpstream, signal?: AbortSignal): Promise<void>;
  /** Runs one request under the upstream's circuit breaker. */
  execute<T>(upstreamId: string, request: () => Promise<T>): Promise<T>;
  /** Lets the gate learn from a response (429 Retry-After, error-budget headers). */
  observe(upstreamId: string, response: { status: number; headers: Headers }): Promise<void>;
}

export interface GateUpstream {
  id: string;
  credentialId?: string;
  requestsPerSecond?: number;
  burst?: number;
  perPageDelayMs?: number;
}

export const openGate: UpstreamGate = {
  acquire: async () => undefined,
  execute: (_id, request) => request(),
  observe: async () => undefined,
};
