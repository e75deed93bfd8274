// Figures measured in Chromium as a learner meets the page: what JavaScript a step page fetches
// before any interaction (the workbench boots at idle; Monaco waits for intent), and how long a
// lesson switch takes on the local runtime.
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_BOOT_TIMEOUT_MS } from '../../site/runtime/webcontainer.ts';

/** Until the lesson's server runs, as the workbench itself reports it (never text on screen). */
export const serverRunning = (page: Page) =>
  page.waitForFunction(() => document.querySelector('session-workbench')?.sessionLab?.session.state().phase === 'running', undefined, { timeout: 30_000 });

/** Until the workbench has settled: its server runs, or it says why not (read-only, a failure).
 * On a static host with no internet a WebContainer never boots: the boot's own timeout settles it,
 * so this waits longer than that timeout (the same length ran out together with it). */
export const workbenchSettled = (page: Page, timeout = DEFAULT_BOOT_TIMEOUT_MS + 30_000) =>
  page.waitForFunction(
    () => {
      const phase = document.querySelector('session-workbench')?.sessionLab?.session.state().phase;
      return phase !== undefined && phase !== 'idle' && phase !== 'booting' && phase !== 'starting';
    },
    undefined,
    { timeout },
  );

/** Gzipped bytes of every script the page fetched from load until `until` (default: its server
 * runs), on a desktop-sized window (where the workbench starts without a tap). */
export async function measurePageJs(browser: Browser, url: string, until: (page: Page) => Promise<unknown> = serverRunning): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const scripts: Promise<number>[] = [];
  page.on('response', (response) => {
    const type = response.request().resourceType();
    if (type === 'script' || /\.m?js(\?|$)/.test(response.url())) {
      scripts.push(response.body().then((body) => gzipSync(body).length, () => 0));
    }
  });
  await page.goto(url);
  await until(page);
  const total = (await Promise.all(scripts)).reduce((a, b) => a + b, 0);
  await context.close();
  return total;
}

/**
 * From a click on the next lesson in the outline (the click event's own time, so Playwright's
 * round trips are not counted) to that lesson's server listening (ms).
 */
export async function measureLessonSwitch(browser: Browser, base: string): Promise<number> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/en/how-sessions-work/one-counter/`);
  await serverRunning(page);
  await page.locator('nav.outline summary').click();
  await page.evaluate(() => {
    const session = document.querySelector('session-workbench')!.sessionLab!.session;
    const mark = window as unknown as { switchedAt?: number; clickedAt?: number };
    session.onServer((event) => {
      if (event.type === 'listening' && event.reason === 'open') mark.switchedAt = performance.now();
    });
    document.addEventListener('click', (event) => (mark.clickedAt = event.timeStamp), { capture: true, once: true });
  });
  await page.locator('nav.outline a', { hasText: 'Install express-session' }).click();
  const times = await page.waitForFunction(
    () => {
      const mark = window as unknown as { switchedAt?: number; clickedAt?: number };
      return mark.switchedAt !== undefined && mark.clickedAt !== undefined ? [mark.clickedAt, mark.switchedAt] : null;
    },
    undefined,
    { timeout: 30_000 },
  );
  const [clickedAt, switchedAt] = (await times.jsonValue()) as [number, number];
  const ms = switchedAt - clickedAt;
  await context.close();
  return ms;
}
