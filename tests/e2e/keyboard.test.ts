// Keyboard only, in pt, en and es: from the top of a step page, Tab to the editor and open it,
// edit and run (Ctrl+Enter), leave the editor (Esc, then Tab), send a request from the request
// panel, read the decoded cookie in the cookie view (as the accessibility tree gives it to a
// screen reader), and follow "Next" to the next step. No mouse, no element.focus(): every move is
// a key press, so a control that cannot be reached this way fails the test.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { LANGS, base, say, serverRunning, useBrowser, type Lang } from './support.ts';

const fixture = useBrowser({ viewport: { width: 1400, height: 900 } });

interface Focused {
  tag: string;
  role: string | null;
  name: string;
  rel: string | null;
  inEditor: boolean;
}

/** What has the focus: its tag, role, the name a screen reader would read first, and where it is. */
const focused = (page: Page): Promise<Focused> =>
  page.evaluate(() => {
    const active = document.activeElement as HTMLElement | null;
    if (!active || active === document.body) return { tag: 'body', role: null, name: '', rel: null, inEditor: false };
    const labelledBy = active.getAttribute('aria-labelledby');
    const name = (active.getAttribute('aria-label') ?? (labelledBy ? document.getElementById(labelledBy)?.textContent : null) ?? active.textContent ?? '').replace(/\s+/g, ' ').trim();
    return { tag: active.tagName.toLowerCase(), role: active.getAttribute('role'), name, rel: active.getAttribute('rel'), inEditor: Boolean(active.closest('.monaco-editor')) };
  });

/**
 * Presses Tab (or Shift+Tab) until `wanted` has the focus; fails after `limit` presses. Passing
 * through the editor takes Esc first, as its hint tells the learner (Tab indents there).
 */
async function tabTo(page: Page, wanted: (f: Focused) => boolean, what: string, { backwards = false, limit = 250 } = {}): Promise<number> {
  for (let presses = 0; presses < limit; presses++) {
    const now = await focused(page);
    if (wanted(now)) return presses;
    if (now.inEditor) await page.keyboard.press('Escape');
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`${what} was not reached with ${limit} presses of ${backwards ? 'Shift+Tab' : 'Tab'}`);
}

describe.each(LANGS)('keyboard only, in %s', (lang: Lang) => {
  it('reaches the editor, runs, sends a request, reads the cookie view and moves to the next step', async () => {
    const { page } = fixture;
    await page.goto(`${base}/${lang}/destroy/destroy/`);
    await serverRunning(page);
    const listens = await page.evaluateHandle(() => {
      const counter = { n: 0 };
      document.querySelector('session-workbench')!.sessionLab!.session.onServer((event) => {
        if (event.type === 'listening') counter.n += 1;
      });
      return counter;
    });

    // Reach the editor and open it: the focus lands in the code.
    await tabTo(page, (f) => f.tag === 'button' && f.name === say(lang, 'editor.edit'), 'the Edit button');
    await page.keyboard.press('Enter');
    const codeLabel = say(lang, 'editor.codeLabel', { file: 'server.js' });
    await expect.poll(async () => (await focused(page)).name, { timeout: 30_000 }).toBe(codeLabel);

    // Edit, then run with Ctrl+Enter: the file holds the edit and the server starts again.
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('// typed without a mouse');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.evaluate(() => document.querySelector('session-workbench')!.sessionLab!.editor.files()['server.js'])).toContain('// typed without a mouse');
    await expect.poll(() => listens.evaluate((counter) => counter.n), { timeout: 20_000 }).toBeGreaterThan(0);
    await serverRunning(page);

    // Tab indents in the editor; Esc, then Tab, leaves it.
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    expect((await focused(page)).inEditor).toBe(false);

    // The request panel's Send (its path is the lesson's first route, /set-session).
    await tabTo(page, (f) => f.tag === 'button' && f.name === say(lang, 'inspect.request.send'), 'the Send button');
    await page.keyboard.press('Enter');

    // The cookie view, as a screen reader reads it: the session cookie, decoded, its signature valid.
    const cookieView = page.getByRole('region', { name: say(lang, 'inspect.cookie.title'), exact: true });
    await expect.poll(() => cookieView.ariaSnapshot(), { timeout: 15_000 }).toContain(say(lang, 'inspect.cookie.valid'));
    const sessionId = (await cookieView.locator('[data-session-id]').first().innerText()).trim();
    expect(sessionId).toMatch(/^[\w-]{20,}$/);
    expect(await cookieView.ariaSnapshot()).toContain(sessionId);

    // Back up to "Next" at the end of the text, and follow it.
    await tabTo(page, (f) => f.tag === 'a' && f.rel === 'next', 'the Next link', { backwards: true });
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/${lang}/destroy/inside-the-callback/`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).not.toBe('');
  });
});
