// What the gateway decides about the dashboard's files, kept pure: which paths the page
// may never take (the API's own), how long a browser may keep each file, and the page's
// Content-Security-Policy.

/** Top-level paths of the gateway's own routes: a dashboard file there would shadow one. */
export const RESERVED_PATHS = ['v1', 'docs', 'healthz', 'readyz', 'metrics'] as const;

const isReserved = (relativePath: string) => (RESERVED_PATHS as readonly string[]).includes(relativePath.split('/')[0] ?? '');

/** The first file (a path relative to the dashboard directory) that would shadow a gateway route, if any. */
export function reservedPathConflict(files: readonly string[]): string | undefined {
  return files.find(isReserved);
}

/**
 * Whether a request path may be answered from the dashboard directory: never an API path
 * (an unknown `/v1/…` stays the API's 404 even if such a file appeared later), and never a
 * pre-compressed sibling by its own name (they are sent in place of their original).
 */
export function servesPath(pathname: string): boolean {
  const relativePath = pathname.replace(/^\/+/, '');
  return !isReserved(relativePath) && !/\.(br|gz)$/.test(relativePath);
}

/**
 * A content-hashed asset (`main-3FZ2K7QA.js`, and its `.br`/`.gz`/`.map`): its name changes
 * with its bytes, so a browser may keep it for good.
 */
const HASHED_ASSET = /-[A-Z0-9]{8}\.(?:js|css)(?:\.map)?(?:\.br|\.gz)?$/;

/**
 * Cache-Control of a served file. index.html is revalidated on every load (`no-cache`, with
 * its ETag), so a new build is picked up at once; it names the hashed assets, which never
 * change and are cached a year. Anything else (an unhashed file) for five minutes.
 */
export function cacheControlFor(path: string): string {
  const name = path.split(/[\\/]/).pop() ?? '';
  if (name === 'index.html' || name.startsWith('index.html.')) return 'no-cache';
  if (HASHED_ASSET.test(name)) return 'public, max-age=31536000, immutable';
  return 'public, max-age=300';
}

/**
 * The page loads only its own script and stylesheet and talks only to its own origin (the
 * gateway): no inline script, no eval, no third party, not framable. React sets styles
 * through the CSSOM, which `style-src 'self'` allows; the charts are SVG attributes.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers every dashboard file carries. */
export const DASHBOARD_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  // The sign-in token arrives in the URL fragment, which is never sent; no Referer either.
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};
