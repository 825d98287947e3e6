// Driving the dashboard like a user, for the browser tests: sign in through the link
// `npm start` prints (`/#token=…`), and watch what the page shows over time. The page's
// states are read from its stable data-testids (apps/dashboard/README.md).
//
// Badges and flashes are short-lived, so polling could miss one: an init script records
// every badge text and every flashing row as the DOM changes (a MutationObserver), and
// counts document loads in sessionStorage (a reload would show as a second load).
import type { BrowserContext, Page } from 'playwright-core';

declare global {
  interface Window {
    __freshet?: { badges: Record<string, string[]>; flashed: Record<string, string[]>; cspViolations: string[] };
  }
}

function recorder(): void {
  const loads = Number(sessionStorage.getItem('freshet-test-loads') ?? '0') + 1;
  sessionStorage.setItem('freshet-test-loads', String(loads));
  const seen = { badges: {} as Record<string, string[]>, flashed: {} as Record<string, string[]>, cspViolations: [] as string[] };
  window.__freshet = seen;
  // A blocked eval or inline script is reported here even when the page catches the error.
  document.addEventListener('securitypolicyviolation', (event) => seen.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`));
  const scan = () => {
    for (const badge of Array.from(document.querySelectorAll<HTMLElement>('[data-testid^="badge-"]'))) {
      const source = badge.dataset['testid']!.slice('badge-'.length);
      const text = (badge.textContent ?? '').trim();
      const list = (seen.badges[source] ??= []);
      if (list.at(-1) !== text) list.push(text);
    }
    for (const row of Array.from(document.querySelectorAll<HTMLElement>('[data-testid^="row-"][data-flash="true"]'))) {
      const [, source, ...key] = row.dataset['testid']!.split('-');
      const list = (seen.flashed[source!] ??= []);
      const k = key.join('-');
      if (!list.includes(k)) list.push(k);
    }
  };
  new MutationObserver(scan).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
}

export async function recordPage(context: BrowserContext): Promise<void> {
  await context.addInitScript(recorder);
}

/** Opens the dashboard signed in with `token` (the fragment is exchanged for the session cookie). */
export async function openDashboard(page: Page, gatewayUrl: string, token: string, { lang = 'en', view = '' }: { lang?: 'en' | 'tr'; view?: string } = {}): Promise<void> {
  await page.goto(`${gatewayUrl}/?lang=${lang}#token=${token}`);
  await page.getByTestId('page').waitFor({ timeout: 30_000 });
  if (view) await page.evaluate((hash) => (location.hash = hash), view);
}

export async function badgeHistory(page: Page, source: string): Promise<string[]> {
  return page.evaluate((s) => window.__freshet?.badges[s] ?? [], source);
}

/** Content-Security-Policy violations the page caused (the dashboard must cause none). */
export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => window.__freshet?.cspViolations ?? []);
}

export async function flashedKeys(page: Page, source: string): Promise<string[]> {
  return page.evaluate((s) => window.__freshet?.flashed[s] ?? [], source);
}

export async function documentLoads(page: Page): Promise<number> {
  return page.evaluate(() => Number(sessionStorage.getItem('freshet-test-loads') ?? '0'));
}

export async function badgeText(page: Page, source: string): Promise<string> {
  return ((await page.getByTestId(`badge-${source}`).textContent()) ?? '').trim();
}

/** Keys of the rows the widget shows (its current page). */
export async function rowKeys(page: Page, source: string): Promise<string[]> {
  return page.$$eval(`[data-testid^="row-${source}-"]`, (rows) => rows.map((r) => (r as HTMLElement).dataset['key'] ?? ''));
}

export async function clientStats(page: Page): Promise<{ malformed: number; duplicates: number; reconnects: number; resets: number }> {
  const stats = page.getByTestId('client-stats');
  const read = async (name: string) => Number(await stats.getAttribute(`data-${name}`));
  return { malformed: await read('malformed'), duplicates: await read('duplicates'), reconnects: await read('reconnects'), resets: await read('resets') };
}
