// The course on a host that sends no headers at all (GitHub Pages, a bucket): dist/ served as
// plain files, without COOP/COEP and without the local runner. With service workers allowed,
// /coi-sw.js makes the page cross-origin isolated after one reload (what a WebContainer needs);
// without them, the workbench says why it cannot run the code and settles in read-only mode,
// the lesson and its code still there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { createStaticHandler } from '../../lab/server/static-files.ts';
import { repoRoot } from '../../scripts/lib/course-server.ts';
import { bootOverlap, say, useBrowser } from './support.ts';

let server: Server;
let plainBase = '';
beforeAll(async () => {
  const serve = createStaticHandler(join(repoRoot, 'dist'), {});
  server = createServer((req, res) => serve(req, res));
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const address = server.address();
  plainBase = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
});

const STEP = '/en/set-get/count-views/';
/** Every error the page logs (failed loads included), with where it came from. */
function consoleErrors(page: import('playwright-core').Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/__runner/')) errors.push(`asked the runner: ${request.url()}`);
  });
  return errors;
}
const phase = (page: import('playwright-core').Page) =>
  page.evaluate(() => document.querySelector('session-workbench')?.sessionLab?.session.state().phase ?? null);

describe('a host without headers, service workers blocked', () => {
  const fixture = useBrowser({ serviceWorkers: 'block' });

  it('keeps the lesson readable and says why the code cannot run here (read-only mode), with a clean console', async () => {
    const { page } = fixture;
    const errors = consoleErrors(page);
    const response = await page.goto(`${plainBase}${STEP}`);
    expect(response?.headers()['cross-origin-embedder-policy']).toBeUndefined();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    await expect.poll(() => phase(page), { timeout: 30_000 }).toBe('readonly');
    const boot = page.getByRole('region', { name: say('en', 'run.boot.region') });
    await expect.poll(() => boot.innerText()).toContain(say('en', 'run.boot.readonlyTitle'));
    expect(await boot.innerText()).toContain(say('en', 'runtime.error.notIsolated'));
    expect(await bootOverlap(page)).toBe(0);
    // The starter code is still shown, and the text is all there.
    expect(await page.locator('session-workbench').innerText()).toContain("require('express-session')");
    expect(await page.getByRole('heading', { level: 1 }).innerText()).not.toBe('');
    // No local runner serves this page: it never asks /__runner/ (a 404 in the console before).
    expect(errors).toEqual([]);
  });
});

describe('a host without headers, service workers allowed', () => {
  const fixture = useBrowser();

  it('becomes cross-origin isolated through /coi-sw.js after one reload', async () => {
    const { page } = fixture;
    await page.goto(`${plainBase}${STEP}`);
    await expect.poll(() => page.evaluate(() => crossOriginIsolated).catch(() => false), { timeout: 20_000 }).toBe(true);
    expect(await page.evaluate(() => sessionStorage.getItem('session-lab:v1:coi-reload'))).toBe('1');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).not.toBe('');
  });
});
