// @freshet/client/prefetch: what a page's boot script needs to ask early, without zod or
// the rest of the client (see prefetch.ts).
export { clearPrefetched, prefetch, prefetchedOr, takePrefetched, PREFETCH_MAX_AGE_MS } from './prefetch';
export { SESSION_PATH, SNAPSHOT_PAGE_LIMIT, SOURCES_PAGE_LIMIT, buildUrl, snapshotUrl, sourcesUrl } from '../io/urls';
