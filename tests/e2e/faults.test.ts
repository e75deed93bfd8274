// A learner's server stuck in an endless loop, on the local runner, as the learner sees it: the
// status says busy (never "running" or "crashed"), the boot panel says the server is stuck and for
// how long, with Restart and Stop at hand, and a request sent to it says why it got no answer.
// The code is changed through the session (the editor's own path is workbench.test.ts's).
import { beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { base, say, serverRunning, useBrowser, type Lang } from './support.ts';

const fixture = useBrowser({ viewport: { width: 1500, height: 1000 } });
let page: Page;
beforeEach(() => {
  page = fixture.page;
});

const STEP = '/how-sessions-work/one-counter/';
const phase = () => page.evaluate(() => document.querySelector('session-workbench')!.sessionLab!.session.state().phase);
/** Every phase the session goes through from now on, in order. */
async function recordPhases(): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const session = document.querySelector('session-workbench')!.sessionLab!.session;
    const seen: string[] = [];
    (window as unknown as { phases: string[] }).phases = seen;
    session.onState((s) => {
      if (seen.at(-1) !== s.phase) seen.push(s.phase);
    });
  });
  return () => page.evaluate(() => (window as unknown as { phases: string[] }).phases);
}
/** The learner's server.js with `extra` at the end, written and restarted (as an edit and Run would). */
const runWith = (extra: string) =>
  page.evaluate(async (code) => {
    const { session, editor } = document.querySelector('session-workbench')!.sessionLab!;
    await session.write('server.js', editor.files()['server.js'] + code);
    void session.restart();
  }, extra);

/** The UI string `key` in `lang` as a pattern, each {{value}} any number. */
const sayPattern = (lang: Lang, key: string) =>
  new RegExp(say(lang, key, { seconds: '\u0000' }).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\u0000/g, '\\d+'));
const bootPanel = (lang: Lang) => page.getByRole('region', { name: say(lang, 'run.boot.region'), exact: true });

describe('a server stuck in an endless loop', () => {
  it('in a route: the request says the server is stuck, the status says busy, Restart ends it (en)', async () => {
    const lang = 'en';
    await page.goto(`${base}/${lang}${STEP}`);
    await serverRunning(page);
    await runWith("\napp.get('/spin', (req, res) => { for (;;) {} });\n");
    await serverRunning(page);
    const phases = await recordPhases();

    // Lesson 1 opens on its sequence diagram: the request panel is on the Session tab.
    await page.getByRole('tab', { name: say(lang, 'workbench.tabSession'), exact: true }).click();
    const requests = page.getByRole('region', { name: say(lang, 'inspect.request.title'), exact: true });
    await requests.getByRole('combobox', { name: say(lang, 'inspect.request.path') }).fill('/spin');
    await requests.getByRole('button', { name: say(lang, 'inspect.request.send'), exact: true }).click();
    await expect.poll(() => requests.getByRole('status').innerText(), { timeout: 20_000 }).toMatch(sayPattern(lang, 'inspect.request.failure.busy'));
    await expect.poll(() => bootPanel(lang).innerText()).toContain(say(lang, 'fault.busy.title'));
    expect(await bootPanel(lang).innerText()).toContain(say(lang, 'fault.busy.body'));
    expect(await bootPanel(lang).innerText()).toMatch(sayPattern(lang, 'fault.busy.elapsed'));
    expect(await page.getByText(say(lang, 'run.phase.busy')).count()).toBeGreaterThan(0);
    expect(await phase()).toBe('busy');

    // The way out, from the request panel (the boot panel offers the same).
    await requests.getByRole('button', { name: say(lang, 'fault.busy.restart') }).click();
    await serverRunning(page);
    expect(await phases()).toEqual(['busy', 'starting', 'running']);
    await expect.poll(() => requests.getByRole('button', { name: say(lang, 'fault.busy.restart') }).count()).toBe(0);
  });

  it('at start-up: busy, not "not listening" or crashed, even past the wait for listening; Stop stops it (pt)', async () => {
    const lang = 'pt';
    await page.goto(`${base}/${lang}${STEP}`);
    await serverRunning(page);
    const phases = await recordPhases();
    await runWith('\nwhile (true) {}\n');
    const panel = bootPanel(lang);
    await expect.poll(() => panel.innerText(), { timeout: 20_000 }).toContain(say(lang, 'fault.busy.title'));
    expect(await panel.getByRole('button', { name: say(lang, 'fault.busy.restart') }).count()).toBe(1);
    // The session waits 15 s for `listening`: past that, it still says busy, not "was not listening".
    await expect.poll(() => panel.innerText(), { timeout: 25_000 }).toMatch(/Travado há (1[6-9]|[2-9]\d) s/);
    expect(await phase()).toBe('busy');
    expect(await panel.innerText()).not.toContain(say(lang, 'runtime.error.serverTimeout', { seconds: '15' }).slice(0, 30));
    expect(await phases()).not.toContain('crashed');

    await panel.getByRole('button', { name: say(lang, 'run.controls.stop'), exact: true }).click();
    await expect.poll(() => phase()).toBe('stopped');
    expect(await phases()).toEqual(['starting', 'busy', 'stopped']);
  });
});
