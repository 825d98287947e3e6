// The page's first script, a couple of KiB and classic (it runs as soon as it arrives,
// before the app's module bundle — ~150 ms of React and zod on a small machine — has been
// evaluated). It starts the requests the live view's first render waits for and leaves
// their answers for the client to take (@freshet/client/prefetch), so the network overlaps
// that evaluation:
//  - with a hint from the last visit (first-screen-hint.ts): the session, the tenant's
//    source list and the first snapshot page of each of its first sources, all at once;
//  - without one: the session, then the list, then the snapshots — each step needs the
//    previous answer, and runs when the main thread is free again.
// It asks for nothing the app would not ask for itself, and only on the live view with a
// session cookie already set (a sign-in link carries a token the app exchanges first).
import { SESSION_PATH, prefetch, snapshotUrl, sourcesUrl } from '@freshet/client/prefetch';
import { parseRoute } from '../app/hash-route';
import { extractFragmentToken } from '../auth/fragment-token';
import { FIRST_SCREEN_SOURCES, browserStorage, readFirstScreenHint } from './first-screen-hint';

// The same requests as the client's (cookie auth): the same URL, credentials and accept header.
const API_REQUEST: RequestInit = { method: 'GET', headers: { accept: 'application/json' }, credentials: 'include' };

async function json(response: Promise<Response>): Promise<Record<string, unknown> | undefined> {
  const answer = await response;
  return answer.ok ? ((await answer.json()) as Record<string, unknown>) : undefined;
}

function askSnapshots(tenant: string, sources: readonly string[]): void {
  for (const source of sources.slice(0, FIRST_SCREEN_SOURCES)) void prefetch(snapshotUrl('', tenant, source), API_REQUEST).catch(() => undefined);
}

async function boot(): Promise<void> {
  const session = prefetch(SESSION_PATH, { method: 'GET', credentials: 'same-origin', cache: 'no-store' });
  const hint = readFirstScreenHint(browserStorage());
  if (hint) {
    void prefetch(sourcesUrl('', hint.tenant), API_REQUEST).catch(() => undefined);
    askSnapshots(hint.tenant, hint.sources);
    return;
  }
  const tenant = (await json(session))?.['tenant'];
  if (typeof tenant !== 'string') return;
  const list = await json(prefetch(sourcesUrl('', tenant), API_REQUEST));
  const sources = Array.isArray(list?.['sources']) ? (list['sources'] as Array<{ source?: unknown }>) : [];
  askSnapshots(tenant, sources.flatMap(({ source }) => (typeof source === 'string' ? [source] : [])));
}

performance.mark('freshet:boot');
if (parseRoute(window.location.hash).view === 'widgets' && extractFragmentToken(window.location.hash).token === undefined) {
  // Best effort: whatever fails here, the app asks again itself.
  boot().catch(() => undefined);
}
