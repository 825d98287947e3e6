// Debian's Chromium driven by playwright-core, for the dashboard's browser tests. Playwright's
// own browser download does not run here (no internet beyond npm and Debian), so the
// system binary is launched with the flags a container needs: no sandbox (root in CI), no
// GPU, and none of the background traffic a fresh profile would start.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Where the binary is looked for, in order (CHROMIUM_PATH first). */
const CANDIDATES = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => Boolean(p));

export const ARTIFACTS_DIR = '.freshet/artifacts';

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
];

export function chromiumPath(): string {
  const found = CANDIDATES.find((candidate) => existsSync(candidate));
  if (!found) {
    // A failure, never a skip: the browser tests are part of the suite.
    throw new Error(`Chromium not found (looked at ${CANDIDATES.join(', ')}); install Debian's package: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return found;
}

export interface BrowserSession {
  browser: Browser;
  /** A fresh context (cookies, storage) per call: one per simulated user. */
  newContext(options?: { locale?: string; viewport?: { width: number; height: number } }): Promise<BrowserContext>;
  close(): Promise<void>;
}

/** Playwright gives each launch a fresh temporary profile of its own, removed on close. */
export async function launchChromium(): Promise<BrowserSession> {
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: FLAGS });
  const contexts: BrowserContext[] = [];
  return {
    browser,
    async newContext(options = {}) {
      const context = await browser.newContext({ locale: options.locale ?? 'en-US', viewport: options.viewport ?? { width: 1280, height: 900 } });
      contexts.push(context);
      return context;
    },
    async close() {
      await Promise.allSettled(contexts.map((c) => c.close()));
      await browser.close().catch(() => undefined);
    },
  };
}

/** Console errors and page errors of a page, collected for assertions and failure messages. */
export function collectConsole(page: Page): { errors: string[]; warnings: string[] } {
  const seen = { errors: [] as string[], warnings: [] as string[] };
  page.on('console', (message) => {
    if (message.type() === 'error') seen.errors.push(message.text());
    if (message.type() === 'warning') seen.warnings.push(message.text());
  });
  page.on('pageerror', (error) => seen.errors.push(`pageerror: ${error.message}`));
  return seen;
}

/** Writes a test artifact (a measurement) under .freshet/artifacts/ and returns its path. */
export function saveArtifact(name: string, content: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, name);
  writeFileSync(path, content);
  return path;
}

/** Saves a full-page screenshot under .freshet/artifacts/ and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
