// The course built for a sub-path (BASE_PATH=/session-lab/, as a GitHub Pages project site is
// served) and served by a plain static server that sends no headers and answers nothing outside
// that path: the language choice, the outline, a step, Next, the language switch and the 404 all
// stay under the prefix; the workbench reaches its verdict (read-only here: no isolation, no
// service worker); with service workers allowed, the isolation worker's scope is the prefix.
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createStaticHandler } from '../../lab/server/static-files.ts';
import { repoRoot } from '../../scripts/lib/course-server.ts';
import { say, useBrowser } from './support.ts';

const PREFIX = '/session-lab/';
const outDir = join(repoRoot, '.cache', 'dist-sub-path');
let server: Server;
let origin = '';

beforeAll(async () => {
  const astro = join(repoRoot, 'node_modules', 'astro', 'bin', 'astro.mjs');
  const built = spawnSync(process.execPath, [astro, 'build', '--outDir', outDir], {
    cwd: repoRoot,
    env: { ...process.env, BASE_PATH: PREFIX, ASTRO_TELEMETRY_DISABLED: '1' },
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`the sub-path build failed:\n${built.stdout}\n${built.stderr}`);
  const serve = createStaticHandler(outDir, {});
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith(PREFIX)) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not this site');
    req.url = `/${url.pathname.slice(PREFIX.length)}${url.search}`;
    serve(req, res);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await new Promise((done) => server?.close(done));
});

/** Every request the page makes to this host, as paths. */
function requestsOf(page: Page): string[] {
  const paths: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin === origin) paths.push(url.pathname);
  });
  return paths;
}
const phase = (page: Page) => page.evaluate(() => document.querySelector('session-workbench')?.sessionLab?.session.state().phase ?? null);

describe('the course under a sub-path, on a host without headers', () => {
  const fixture = useBrowser({ serviceWorkers: 'block' });

  it('keeps the outline, a step, Next, the language switch and the 404 under the prefix; the workbench reaches a verdict', async () => {
    const { page } = fixture;
    const paths = requestsOf(page);
    await page.goto(`${origin}${PREFIX}`);
    await page.waitForURL(`${origin}${PREFIX}en/`);
    await page.getByRole('link', { name: say('en', 'outline.start') }).click();
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/session-lab\/en\/how-sessions-work\/[a-z-]+\/$/);
    await expect.poll(() => phase(page), { timeout: 30_000 }).toBe('readonly');
    expect(await page.locator('session-workbench').innerText()).toContain("require('express')");

    const before = new URL(page.url()).pathname;
    await page.locator('nav.step-nav a[rel="next"]').click();
    await expect.poll(() => new URL(page.url()).pathname).not.toBe(before);
    expect(new URL(page.url()).pathname.startsWith(`${PREFIX}en/how-sessions-work/`)).toBe(true);

    await page.getByRole('link', { name: 'Português (Brasil)' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/session-lab\/pt\/how-sessions-work\//);
    await expect.poll(() => phase(page), { timeout: 30_000 }).toBe('readonly');

    const missing = await page.goto(`${origin}${PREFIX}pt/no-such-lesson/`);
    expect(missing?.status()).toBe(404);
    await page.getByRole('link', { name: say('pt', 'notFound.toOutline') }).first().click();
    await page.waitForURL(`${origin}${PREFIX}pt/`);

    // Nothing the pages asked for was outside the prefix (assets, strings, the worker): not even
    // the local runner's token, which a page only asks where `npm start` serves it.
    expect(paths.filter((path) => !path.startsWith(PREFIX))).toEqual([]);
  });
});

describe('the course under a sub-path, service workers allowed', () => {
  const fixture = useBrowser();

  it('registers the isolation worker under the prefix, and the page becomes isolated', async () => {
    const { page } = fixture;
    await page.goto(`${origin}${PREFIX}en/`);
    await expect.poll(() => page.evaluate(() => crossOriginIsolated).catch(() => false), { timeout: 20_000 }).toBe(true);
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.scope);
    expect(scope).toBe(`${origin}${PREFIX}`);
  });
});
