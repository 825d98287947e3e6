// Encoded snapshot pages, kept in memory by the exact view state they were read from. A
// complete view changes only with an applied event (its `seq` moves), a rebuild (its
// `incarnation`) or a new generation, so the page for one (generation, incarnation, seq,
// walk position, page shape) never changes: a dashboard reading an unchanged source again
// gets the same bytes without Redis sending 1,000 records again — one small meta read
// instead. Bounded by bytes; least recently used pages go first.

export interface MemoPage {
  /** The page's records as JSON (`[…]`). */
  recordsJson: Buffer;
  lastKey: string | undefined;
}

export interface PageMemo {
  get(key: string): MemoPage | undefined;
  set(key: string, page: MemoPage): void;
  /** Bytes held now. */
  size(): number;
}

export function pageMemoKey(parts: {
  tenant: string;
  source: string;
  generation: string;
  incarnation: string;
  seq: number;
  asOf: number;
  after?: string;
  prefix?: string;
  limit: number;
}): string {
  // NUL cannot occur in tenant/source ids or in the numbers; keys and prefixes are JSON-quoted.
  return [parts.tenant, parts.source, parts.generation, parts.incarnation, parts.seq, parts.asOf, JSON.stringify(parts.after ?? null), JSON.stringify(parts.prefix ?? null), parts.limit].join('\0');
}

export function createPageMemo(maxBytes: number): PageMemo {
  const pages = new Map<string, MemoPage>();
  let bytes = 0;
  const weight = (key: string, page: MemoPage) => page.recordsJson.length + key.length * 2 + 64;
  return {
    get(key) {
      const page = pages.get(key);
      if (page) {
        pages.delete(key); // re-insert: Map order is the eviction order
        pages.set(key, page);
      }
      return page;
    },
    set(key, page) {
      const cost = weight(key, page);
      if (maxBytes <= 0 || cost > maxBytes) return;
      const old = pages.get(key);
      if (old) {
        bytes -= weight(key, old);
        pages.delete(key);
      }
      pages.set(key, page);
      bytes += cost;
      for (const [oldestKey, oldest] of pages) {
        if (bytes <= maxBytes) break;
        pages.delete(oldestKey);
        bytes -= weight(oldestKey, oldest);
      }
    },
    size: () => bytes,
  };
}
