// `performance.mark('freshet:first-render:<source>')` the first time a widget shows its
// source's data on this page, so a browser test (or a curious reader in DevTools) can
// measure navigation → first data per source. Once per source per page load.
const marked = new Set<string>();

export const FIRST_RENDER_MARK_PREFIX = 'freshet:first-render:';

export function markFirstRender(source: string, records: number): boolean {
  if (marked.has(source)) return false;
  marked.add(source);
  try {
    performance.mark(`${FIRST_RENDER_MARK_PREFIX}${source}`, { detail: { records } });
  } catch {
    // A browser without User Timing Level 3 still renders the page.
  }
  return true;
}
