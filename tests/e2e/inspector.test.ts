// Seeing the session: the request panel, the cookie and store views, the timeline and "Check my
// work", in all three languages, driven by roles and accessible names (the names come from the
// locale files, so the same test reads each language). Flows whose behaviour and words do not
// depend on the language run in one language each.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/lib/course-server.ts';
import { loadCourse, localizeFiles } from '../../lab/lessons/load.ts';
import { LANGS, base, chooseAction, say, serverRunning, strings, useBrowser, type Lang } from './support.ts';

const course = loadCourse(join(repoRoot, 'lessons'));
const fixture = useBrowser({ viewport: { width: 1500, height: 1000 } });
let page: Page;
beforeEach(() => {
  page = fixture.page;
});

const running = () => serverRunning(page);

async function open(lang: Lang, lesson: string, step: string) {
  await page.goto(`${base}/${lang}/${lesson}/${step}/`);
  await running();
}

/** The learner takes the lesson's solution (a separate, undoable action) and waits for the restart. */
async function useSolution(lang: Lang) {
  await chooseAction(page, lang, say(lang, 'workbench.solution'), 'menuitemcheckbox');
  await page.getByRole('button', { name: say(lang, 'workbench.applySolution') }).click();
  await expect.poll(() => page.getByRole('status').filter({ hasText: say(lang, 'workbench.applied').slice(0, 20) }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
  await page.getByRole('button', { name: say(lang, 'workbench.hideSolution') }).click();
  await running();
}

const region = (lang: Lang, key: string) => page.getByRole('region', { name: say(lang, key), exact: true });

async function send(lang: Lang, browserKey: 'A' | 'B' | 'none', path: string) {
  const panel = region(lang, 'inspect.request.title');
  await panel.getByRole('combobox', { name: say(lang, 'inspect.request.browser') }).selectOption({ label: say(lang, `inspect.browser.${browserKey}`) });
  await panel.getByRole('combobox', { name: say(lang, 'inspect.request.method') }).selectOption('GET');
  await panel.getByRole('combobox', { name: say(lang, 'inspect.request.path') }).fill(path);
  await panel.getByRole('button', { name: say(lang, 'inspect.request.send'), exact: true }).click();
}

const lastBody = (panel: Locator) => panel.locator('pre').last().innerText();
/** The verdict leads the signature's element; an explanation follows it. */
const verdict = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

describe.each(LANGS)('in %s', (lang) => {
  it('shows A its data, B none, one store row that is A\'s, and A\'s cookie decoded and verified', async () => {
    await open(lang, 'set-get', 'set-and-get');
    await useSolution(lang);
    const requests = region(lang, 'inspect.request.title');
    await send(lang, 'A', '/set-session');
    await expect.poll(() => requests.innerText(), { timeout: 10_000 }).toContain('200');
    await send(lang, 'A', '/get-session');
    await expect.poll(() => lastBody(requests), { timeout: 10_000 }).toContain('ada');
    await send(lang, 'B', '/get-session');
    await expect.poll(() => lastBody(requests), { timeout: 10_000 }).toContain('No session data found');

    const rows = region(lang, 'inspect.store.title').locator('li[data-session-id]');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
    const storeId = await rows.first().getAttribute('data-session-id');
    expect(await rows.first().innerText()).toContain('ada');

    await requests.getByRole('combobox', { name: say(lang, 'inspect.request.browser') }).selectOption({ label: say(lang, 'inspect.browser.A') });
    const cookie = region(lang, 'inspect.cookie.title');
    await expect.poll(() => cookie.locator('[data-session-id]').first().innerText()).toBe(storeId);
    await expect.poll(() => cookie.locator('[data-signature]').innerText(), { timeout: 10_000 }).toMatch(verdict(say(lang, 'inspect.cookie.valid')));
    expect(await rows.first().getAttribute('data-current')).toBe('true');

    // Nothing in the workbench is left in English.
    if (lang !== 'en') {
      const theirs = strings(lang);
      const visible = await page.locator('session-workbench').innerText();
      const leftovers = [...strings('en')]
        .map(([key, text]) => [key, text.replace(/\{\{[^}]+\}\}/g, '').trim()] as const)
        .filter(([key, text]) => text.length >= 12 && theirs.get(key) !== undefined && !theirs.get(key)!.includes(text) && visible.includes(text));
      expect(leftovers, 'English strings shown on a page in another language').toEqual([]);
    }
  });
});

// Behaviour that does not change with the language runs in one language each (the words of all
// three are checked above and below); this keeps the e2e run well inside its time budget.
describe('the session, live, one language each', () => {
  it('destroying the session removes its store row (es)', async () => {
    const lang: Lang = 'es';
    await open(lang, 'destroy', 'destroy');
    await useSolution(lang);
    await send(lang, 'A', '/set-session');
    const rows = region(lang, 'inspect.store.title').locator('li[data-session-id]');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
    await send(lang, 'A', '/destroy-session');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(0);
  });

  it('a request made inside the preview shows in the timeline (pt)', async () => {
    const lang: Lang = 'pt';
    await open(lang, 'how-sessions-work', 'one-counter');
    await page.getByRole('tab', { name: say(lang, 'workbench.preview') }).click();
    const address = page.getByRole('textbox', { name: say(lang, 'run.preview.address') });
    await address.fill('/viewcount?from=the-preview');
    await address.press('Enter');
    await page.getByRole('tab', { name: say(lang, 'inspect.timeline.title') }).click();
    const timeline = region(lang, 'inspect.timeline.title');
    await expect.poll(() => timeline.innerText(), { timeout: 15_000 }).toContain('/viewcount?from=the-preview');
  });
});

describe.each(LANGS)('the session, live, in %s', (lang) => {
  it('a tampered cookie fails its signature and the next request starts a new session', async () => {
    await open(lang, 'set-get', 'set-and-get');
    await useSolution(lang);
    await send(lang, 'A', '/set-session');
    const rows = region(lang, 'inspect.store.title').locator('li[data-session-id]');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
    const first = await rows.first().getAttribute('data-session-id');

    const jar = page.getByRole('table', { name: say(lang, 'inspect.jar.caption', { browser: say(lang, 'inspect.browser.A') }) });
    const value = jar.getByRole('textbox', { name: say(lang, 'inspect.jar.value', { name: 'connect.sid' }) });
    const original = await value.inputValue();
    await value.fill(original.slice(0, -3) + (original.endsWith('AAA') ? 'BBB' : 'AAA'));
    await jar.getByRole('button', { name: say(lang, 'inspect.jar.save') }).click();
    const cookie = region(lang, 'inspect.cookie.title');
    await expect.poll(() => cookie.locator('[data-signature]').innerText(), { timeout: 10_000 }).toMatch(verdict(say(lang, 'inspect.cookie.invalid')));

    await send(lang, 'A', '/get-session');
    await expect.poll(() => lastBody(region(lang, 'inspect.request.title'))).toContain('No session data found');
    await send(lang, 'A', '/set-session');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    const current = await region(lang, 'inspect.store.title').locator('li[data-current="true"]').getAttribute('data-session-id');
    expect(current).not.toBe(first);
  });

  it('"Check my work" fails on the starter and passes once the learner has typed the solution', async () => {
    const lesson = course.find((l) => l.meta.id === 'how-sessions-work')!;
    const solution = localizeFiles(lesson.solution, lesson.texts[lang].text.messages, lesson.folder)['server.js']!;
    await open(lang, 'how-sessions-work', 'use-the-session');
    await page.getByRole('tab', { name: say(lang, 'inspect.checks.run') }).click();
    const checks = region(lang, 'inspect.checks.title');
    await checks.getByRole('button', { name: say(lang, 'inspect.checks.run') }).click();
    await expect.poll(() => checks.locator('li[data-passed="false"]').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await checks.innerText()).toContain(lesson.texts[lang].text.messages.hintPerBrowser!.slice(0, 30));

    await page.getByRole('button', { name: say(lang, 'editor.edit'), exact: true }).click();
    const code = page.getByRole('textbox', { name: say(lang, 'editor.codeLabel', { file: 'server.js' }) });
    await code.waitFor({ state: 'attached', timeout: 30_000 });
    await code.focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(solution);
    await expect.poll(() => page.evaluate(() => document.querySelector('session-workbench')!.sessionLab!.editor.files()['server.js'])).toContain('express-session');
    // Save, and wait for the server to listen again with the new code.
    await page.evaluate(() => {
      const mark = window as unknown as { relistened?: boolean };
      document.querySelector('session-workbench')!.sessionLab!.session.onServer((event) => {
        if (event.type === 'listening') mark.relistened = true;
      });
    });
    await page.keyboard.press('Control+S');
    // The save restarts the server, after the restart the pause in typing may have queued: two
    // server starts in a row, which on a loaded machine took more than 20 s (CI run 1 of 3).
    await page.waitForFunction(() => (window as unknown as { relistened?: boolean }).relistened === true, undefined, { timeout: 60_000 });
    await running();
    await checks.getByRole('button', { name: say(lang, 'inspect.checks.run') }).click();
    await expect.poll(() => checks.locator('li[data-passed="true"]').count(), { timeout: 30_000 }).toBe(lesson.meta.steps.find((s) => s.id === 'use-the-session')!.checks.length);
    expect(await checks.locator('li[data-passed="false"]').count()).toBe(0);
  });
});
