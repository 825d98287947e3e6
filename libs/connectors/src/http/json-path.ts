// Reads a dotted path ("data.items", "meta.next_cursor") out of a parsed JSON body.
// '' is the body itself. Array indexes are plain segments ("items.0.id").
export function readPath(body: unknown, path: string): unknown {
  if (path === '') return body;
  let current: unknown = body;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
