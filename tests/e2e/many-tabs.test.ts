// More tabs of the course than the local runner runs at once (six): every page the learner opens
// runs; the least recently active tab is paused (its files stay in the page) and says why, in its
// language; shown again, it resumes and says so in its boot steps. The bound is checked through
// the runner's own state (its status route), never by timing.
//
// Headless Chromium keeps every page visible and focused, so a tab switch cannot happen by itself
// here: the test plays the browser's part for the page brought to the front — the document turns
// hidden, then visible, with the `visibilitychange` events a real tab switch fires.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loadCourse } from '../../lab/lessons/load.ts';
import { repoRoot } from '../../scripts/lib/course-server.ts';
import { base, say, serverRunning, useBrowser, type Lang } from './support.ts';

const fixture = useBrowser();
const course = loadCourse(join(repoRoot, 'lessons'));
const LANG_OF: Lang[] = ['pt', 'es', 'en'];
/** Eight step pages: the first step of eight lessons, languages in turn. */
const pages = course.slice(0, 8).map((lesson, i) => `/${LANG_OF[i % 3]}/${lesson.meta.id}/${lesson.meta.steps[0]!.id}/`);

const phase = (page: Page) => page.evaluate(() => document.querySelector('session-workbench')!.sessionLab!.session.state().phase);

/** The runner's own count of live workspaces, its bound and the most it ever held. */
const runnerStatus = (page: Page) =>
  page.evaluate(async () => {
    const { token } = (await (await fetch('/__runner/token')).json()) as { token: string };
    return (await (await fetch('/__runner/status', { headers: { 'X-Runner-Token': token } })).json()) as { live: number; limit: number; peak: number };
  });

/** A tab switch back to `page`, as the browser reports it to the document. */
const showAgain = (page: Page) =>
  page.evaluate(() => {
    for (const state of ['hidden', 'visible']) {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
      document.dispatchEvent(new Event('visibilitychange'));
    }
  });

it('eight tabs opened one after another all run; the oldest is paused, and resumes when shown again', async () => {
  expect(pages).toHaveLength(8);
  const tabs: Page[] = [];
  for (const path of pages) {
    const tab = tabs.length === 0 ? fixture.page : await fixture.context.newPage();
    await tab.goto(`${base}${path}`);
    await serverRunning(tab);
    tabs.push(tab);
    const status = await runnerStatus(tab);
    expect(status.live).toBeLessThanOrEqual(status.limit);
    expect(status.peak).toBeLessThanOrEqual(status.limit);
    expect(status.limit).toBe(6);
  }

  // The two least recently active tabs (the first two) made room, each told why in its language.
  const [first, second] = tabs as [Page, Page];
  for (const [tab, lang] of [[first, 'pt'], [second, 'es']] as const) {
    await expect.poll(() => phase(tab)).toBe('suspended');
    await expect.poll(() => tab.locator('.run-boot').innerText()).toContain(say(lang, 'runtime.error.suspended', { limit: '6' }));
    await expect.poll(() => tab.getByRole('button', { name: say(lang, 'run.boot.resume') }).count()).toBe(1);
  }
  // The others run, the newest included.
  for (const tab of tabs.slice(2)) expect(await phase(tab)).toBe('running');

  // Back to the first tab: it resumes, says so while it starts, and runs.
  await first.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { resumeNotes: string[] }).resumeNotes = seen;
    document.querySelector('session-workbench')!.sessionLab!.session.onState((state) => {
      const note = document.querySelector<HTMLElement>('.run-resumed');
      if (state.resumed && note && !note.hidden) seen.push(`${state.phase}: ${note.innerText}`);
    });
  });
  await first.bringToFront();
  await showAgain(first);
  await serverRunning(first);
  const notes = await first.evaluate(() => (window as unknown as { resumeNotes: string[] }).resumeNotes);
  expect(notes.length).toBeGreaterThan(0);
  expect(notes[0]).toContain(say('pt', 'run.boot.resuming'));
  // The resumed server runs the learner's files, kept in the page while it was paused.
  expect(
    await first.evaluate(async () => {
      const workbench = document.querySelector('session-workbench')!.sessionLab!;
      return (await workbench.session.runtime()!.readFile('server.js')) === workbench.editor.files()['server.js'];
    }),
  ).toBe(true);
  // The tab with the least recent activity made room this time.
  await expect.poll(() => phase(tabs[2]!)).toBe('suspended');
  const status = await runnerStatus(first);
  expect(status.live).toBeLessThanOrEqual(status.limit);
  expect(status.peak).toBeLessThanOrEqual(status.limit);
});
