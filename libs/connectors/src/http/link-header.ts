// Finds the rel="next" target of an RFC 8288 Link header, resolved against the request URL.
export function nextLinkFrom(header: string | null, requestUrl: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!match) continue;
    const params = match[2] ?? '';
    const rel = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(params)?.[1];
    if (rel?.split(/\s+/).some((r) => r.toLowerCase() === 'next')) {
      return new URL(match[1] ?? '', requestUrl).toString();
    }
  }
  return undefined;
}
