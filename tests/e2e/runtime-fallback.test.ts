// The learner asked for a WebContainer in the settings, but this page cannot run one (here: the
// course served without its isolation headers, service workers blocked). The code still runs, on
// the local runner, and the workbench says so in the learner's language: which runtime failed,
// why (on request), and a button to try it again.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { LANGS, base, bootOverlap, say, serverRunning, useBrowser } from './support.ts';

/** Serves every document without COOP/COEP, as a host that sets no headers would. */
async function withoutIsolationHeaders(page: Page): Promise<void> {
  await page.route('**/*', async (route) => {
    if (route.request().resourceType() !== 'document') return route.fallback();
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['cross-origin-opener-policy'];
    delete headers['cross-origin-embedder-policy'];
    await route.fulfill({ response, headers });
  });
}

const state = (page: Page) => page.evaluate(() => document.querySelector('session-workbench')!.sessionLab!.session.state());

describe('the runtime the learner chose cannot run here', () => {
  // A document Playwright fulfils has no address of its own, so Chromium counts the page as a
  // public one and its Local Network Access checks refuse the runner's WebSocket on 127.0.0.1.
  // A page the course server sends is on loopback and never meets that check: switch it off here.
  const fixture = useBrowser({ serviceWorkers: 'block', browserArgs: ['--disable-features=LocalNetworkAccessChecks'] });

  it.each(LANGS)('in %s: the local runner runs the code, and the workbench says the WebContainer did not start and why', async (lang) => {
    const { page, context } = fixture;
    await context.addInitScript(() => localStorage.setItem('session-lab:v1:runtime', 'webcontainer'));
    await withoutIsolationHeaders(page);
    await page.goto(`${base}/${lang}/set-get/count-views/`);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    await serverRunning(page);
    expect(await state(page)).toMatchObject({ runtime: 'local', preference: 'webcontainer', fallback: { from: 'webcontainer' } });

    const boot = page.getByRole('region', { name: say(lang, 'run.boot.region') });
    await expect.poll(() => boot.innerText()).toContain(say(lang, 'run.boot.fellBack.webcontainer'));
    // The reason stays folded until asked for.
    const why = say(lang, 'runtime.error.notIsolated');
    expect(await boot.getByText(why).isVisible()).toBe(false);
    // The fallback's own "Why?" (a features note, when the host found a Node feature missing, has one too).
    await boot.locator('[data-fallback]').getByText(say(lang, 'run.boot.fallbackWhy')).click();
    expect(await boot.getByText(why).isVisible()).toBe(true);
    expect(await bootOverlap(page)).toBe(0);

    // Trying it again boots anew (still not isolated here, so the local runner runs again).
    const again = boot.getByRole('button', { name: say(lang, 'run.boot.retryWanted.webcontainer') });
    await again.click();
    await expect.poll(() => page.evaluate(() => document.querySelector('session-workbench')!.sessionLab!.session.bootCount())).toBe(2);
    await serverRunning(page);
    expect(await state(page)).toMatchObject({ phase: 'running', runtime: 'local', fallback: { from: 'webcontainer' } });
  });

  it('with the automatic choice and the local runner serving the page, no such note', async () => {
    const { page } = fixture;
    await page.goto(`${base}/en/set-get/count-views/`);
    await serverRunning(page);
    expect((await state(page)).fallback).toBeUndefined();
    const boot = page.getByRole('region', { name: say('en', 'run.boot.region') });
    expect(await boot.innerText()).not.toContain(say('en', 'run.boot.fellBack.webcontainer'));
  });
});
