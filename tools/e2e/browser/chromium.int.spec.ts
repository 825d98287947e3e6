// The browser harness itself: Debian's Chromium starts headless under playwright-core,
// renders a page served over a real socket, runs its script and is closed cleanly.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectConsole, launchChromium, type BrowserSession } from './chromium';

let server: Server;
let base: string;
let session: BrowserSession;

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>probe</title><p id="out">…</p><script>document.getElementById("out").textContent = navigator.language + " " + (2 + 3); console.error("probe error")</script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  session = await launchChromium();
}, 60_000);

afterAll(async () => {
  await session?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

describe('Chromium harness', () => {
  it('renders a page with its script, in the asked locale, and reports console errors', async () => {
    const context = await session.newContext({ locale: 'tr-TR' });
    const page = await context.newPage();
    const console_ = collectConsole(page);
    await page.goto(base);
    await expect.poll(() => page.textContent('#out')).toBe('tr-TR 5');
    expect(console_.errors).toContain('probe error');
  });
});
