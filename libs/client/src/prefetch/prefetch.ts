// Early answers. A page's first render waits on a chain of requests (session → sources →
// snapshots) that only start once the app's bundle has evaluated — on a small machine
// ~150 ms of React and zod. A tiny boot script can start that chain first; it leaves each
// response here under its URL, and the client takes it instead of asking again.
//
// Each response is taken once, and only while young: an old one would show data older than
// a new request would (the stream resumes from the snapshot's own position, so a young one
// loses nothing). The registry lives on globalThis, so the boot script and the app share
// it even though each bundles its own copy of this file. Nothing here imports zod.
const REGISTRY = Symbol.for('freshet.prefetch');
export const PREFETCH_MAX_AGE_MS = 5_000;

interface Entry {
  response: Promise<Response>;
  at: number;
}

function registry(): Map<string, Entry> {
  const holder = globalThis as unknown as Record<symbol, Map<string, Entry> | undefined>;
  let entries = holder[REGISTRY];
  if (!entries) holder[REGISTRY] = entries = new Map();
  return entries;
}

/**
 * Starts a request whose answer the client will take (by `url`); returns the caller's own
 * copy of the response to read (the client reads a clone).
 */
export function prefetch(url: string, init: RequestInit, fetchFn: typeof fetch = (input, options) => globalThis.fetch(input, options), now = Date.now()): Promise<Response> {
  const original = fetchFn(url, init);
  // Cloned in the first reaction to the response, before the caller can read its body.
  const forClient = original.then((response) => response.clone());
  forClient.catch(() => registry().delete(url)); // a failed one is asked for again, normally
  registry().set(url, { response: forClient, at: now });
  return original;
}

/** The early answer for `url`, once; undefined when there is none, or it is too old. */
export function takePrefetched(url: string, now = Date.now()): Promise<Response> | undefined {
  const entries = registry();
  const entry = entries.get(url);
  if (!entry) return undefined;
  entries.delete(url);
  return now - entry.at <= PREFETCH_MAX_AGE_MS ? entry.response : undefined;
}

/** The early answer if there is a usable one, else what `request` fetches. A failed early answer is asked for again. */
export async function prefetchedOr(url: string, request: () => Promise<Response>): Promise<Response> {
  const early = takePrefetched(url);
  if (early) {
    try {
      return await early;
    } catch {
      // fall through: ask again
    }
  }
  return request();
}

/** Forgets every early answer (tests; a page that signs out). */
export function clearPrefetched(): void {
  registry().clear();
}
