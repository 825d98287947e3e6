// Whether a stream's source exists, asked of ingest once per source per few seconds rather
// than once per stream. A gateway restart or a network blip reconnects every open stream
// at once (tens of thousands, mostly on a handful of sources): without this each of them
// is a NATS request to ingest, a reply to parse, and garbage the gateway keeps until its
// next full GC. Concurrent checks of one source share one lookup (single flight); a
// source found is remembered for `ttlMs`, a refusal or a failure never is (the next
// stream asks again), so a new source is seen at once and a deleted one within `ttlMs`
// (plus the time of a lookup that was already under way when it was deleted). The shared
// lookup runs in the first asker's trace: the other streams' traces show no lookup span.
export type SourceCheck = (tenant: string, source: string) => Promise<void>;

export interface SourceExistenceOptions {
  /** How long a found source is trusted without asking again; 0 asks every time. */
  ttlMs: number;
  /** Sources remembered at most (oldest forgotten first): bounds memory whatever clients ask. */
  maxEntries: number;
  now?: () => number;
}

export function cachedSourceCheck(lookup: SourceCheck, { ttlMs, maxEntries, now = Date.now }: SourceExistenceOptions): SourceCheck {
  if (ttlMs <= 0) return lookup;
  /** key → when the answer "exists" stops being trusted. Map order is insertion order: oldest first. */
  const foundUntil = new Map<string, number>();
  const inFlight = new Map<string, Promise<void>>();
  return (tenant, source) => {
    // Tenant and source ids cannot contain a space (contracts), so the key is unambiguous.
    const key = `${tenant} ${source}`;
    const until = foundUntil.get(key);
    if (until !== undefined) {
      if (until > now()) return Promise.resolve();
      foundUntil.delete(key);
    }
    const pending = inFlight.get(key);
    if (pending) return pending;
    const asked = lookup(tenant, source).then(
      () => {
        inFlight.delete(key);
        foundUntil.set(key, now() + ttlMs);
        if (foundUntil.size > maxEntries) foundUntil.delete(foundUntil.keys().next().value as string);
      },
      (error: unknown) => {
        inFlight.delete(key);
        throw error;
      },
    );
    inFlight.set(key, asked);
    return asked;
  };
}
