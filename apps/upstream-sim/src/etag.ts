// Strong entity tags from the exact bytes served, and the If-None-Match test that turns
// an unchanged page into a 304. Same body, same tag: across restarts and replicas.
import { createHash } from 'node:crypto';

export function etagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

/**
 * True when the request's If-None-Match names `etag` (RFC 9110 §13.1.2: a list of tags or
 * `*`, compared weakly, so a W/ prefix added by a proxy still matches).
 */
export function ifNoneMatchMatches(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const candidates = (Array.isArray(header) ? header.join(',') : header)
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');
  const bare = stripWeak(etag);
  return candidates.some((tag) => tag === '*' || stripWeak(tag) === bare);
}

function stripWeak(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}
