// Links that carry code, as a learner and a helper use them: the learner edits and copies a link
// with the code; a second browser (its own saved code) opens it and sees the shared code beside
// its own, changed only by "Use this code", which Undo takes back. A link cut short says so and
// the page works as usual; code too big for a link is refused when copying, with the zip offered.
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { base, chooseAction, say, serverRunning, useBrowser, type Lang } from './support.ts';

const STEP = '/set-get/count-views/';
const fixture = useBrowser({ clipboard: true });

const learnerFile = (page: Page, path = 'server.js') =>
  page.evaluate((p) => document.querySelector('session-workbench')!.sessionLab!.editor.files()[p], path);
/** The workbench's spoken announcements (its status line). */
const announced = (page: Page) => page.locator('session-workbench [data-slot=announce]').innerText();
const savedEdits = (page: Page) => page.evaluate(() => localStorage.getItem('session-lab:v1:edits:set-get'));

async function openStep(page: Page, lang: Lang = 'en', suffix = '') {
  await page.goto(`${base}/${lang}${STEP}${suffix}`);
  await serverRunning(page);
}

/** Types at the end of server.js (the learner's edit, saved as they type). */
async function appendCode(page: Page, text: string) {
  await page.getByRole('button', { name: say('en', 'editor.edit'), exact: true }).click();
  const code = page.getByRole('textbox', { name: say('en', 'editor.codeLabel', { file: 'server.js' }) });
  await code.waitFor({ state: 'attached', timeout: 30_000 });
  await code.focus();
  await page.keyboard.press('Control+End');
  await page.keyboard.insertText(text);
  await expect.poll(() => learnerFile(page)).toContain(text.trim().slice(0, 40));
}

async function copyCodeLink(page: Page): Promise<string> {
  await chooseAction(page, 'en', say('en', 'workbench.copyCodeLink'));
  await expect.poll(() => announced(page)).toContain('Link with your code copied');
  return page.evaluate(() => navigator.clipboard.readText());
}

/** Another browser, with its own saved code for the step. */
async function helperBrowser(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await fixture.browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await openStep(page);
  await appendCode(page, "\n// the helper's own line\n");
  return { context, page };
}

describe('links that carry code', () => {
  it('opens shared code beside the reader’s own; only "Use this code" changes it, Undo brings it back, "Keep mine" keeps it', async () => {
    const { page } = fixture;
    await openStep(page);
    await appendCode(page, "\napp.get('/shared', (req, res) => res.send('from the link'));\n");
    const link = await copyCodeLink(page);
    expect(link).toMatch(new RegExp(`^${base}/en${STEP}#code=1\\.[A-Za-z0-9_-]+$`));

    const helper = await helperBrowser();
    try {
      const reader = await helper.context.newPage();
      await reader.goto(link);
      await serverRunning(reader);
      const offer = reader.getByRole('region', { name: say('en', 'share.region') });
      await expect.poll(() => offer.innerText()).toContain(say('en', 'share.incoming_one', { count: '1' }));
      // Beside, not instead: the reader's files and saved edits are untouched.
      const own = await learnerFile(reader);
      expect(own).toContain("// the helper's own line");
      expect(own).not.toContain('from the link');
      const before = await savedEdits(reader);
      expect(before).toContain("the helper's own line");
      await expect.poll(() => reader.locator('.se-diff-header').innerText()).toContain(say('en', 'editor.sharedCode'));

      await offer.getByRole('button', { name: say('en', 'share.use') }).click();
      await expect.poll(() => learnerFile(reader)).toContain('from the link');
      expect(await learnerFile(reader)).not.toContain("the helper's own line");
      await expect.poll(() => new URL(reader.url()).hash).toBe('');
      await expect.poll(() => offer.isVisible()).toBe(false);
      await chooseAction(reader, 'en', say('en', 'workbench.undo'));
      await expect.poll(() => learnerFile(reader)).toContain("// the helper's own line");
      expect(await learnerFile(reader)).not.toContain('from the link');

      // The same link again: this time the reader keeps their own code.
      await reader.goto(link);
      await serverRunning(reader);
      await offer.getByRole('button', { name: say('en', 'share.keep') }).click();
      await expect.poll(() => announced(reader)).toContain(say('en', 'share.kept'));
      expect(await learnerFile(reader)).toContain("// the helper's own line");
      expect(await learnerFile(reader)).not.toContain('from the link');
      await expect.poll(() => new URL(reader.url()).hash).toBe('');
      expect(await offer.isVisible()).toBe(false);
    } finally {
      await helper.context.close();
    }
  });

  it('refuses, when copying, code too big for a link, and offers the zip', async () => {
    const { page } = fixture;
    await openStep(page);
    // The learner's saved work holds a long file that does not compress well (random letters):
    // its link would be far beyond the bound.
    await page.evaluate(() => {
      let noise = '';
      let seed = 12345;
      for (let i = 0; i < 12_000; i++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        noise += String.fromCharCode(97 + (seed % 26));
      }
      localStorage.setItem('session-lab:v1:edits:set-get', JSON.stringify({ 'notes.txt': noise }));
    });
    await openStep(page);
    await chooseAction(page, 'en', say('en', 'workbench.copyCodeLink'));
    const panel = page.getByRole('region', { name: say('en', 'share.region') });
    await expect.poll(() => panel.innerText()).toMatch(/too long to share \(\d+ characters; at most 8000/);
    const download = page.waitForEvent('download');
    await panel.getByRole('button', { name: say('en', 'workbench.download') }).click();
    expect((await download).suggestedFilename()).toBe('set-get.zip');
  });

  for (const lang of ['pt', 'es'] as const) {
    it(`a link cut short says so (${lang}) and the page works as usual with the reader's code`, async () => {
      const { page } = fixture;
      await openStep(page, lang, '#code=1.eNqrVkrOzy0oSi0uTk1RslJQSs7PS8vMTQ');
      const notice = page.getByRole('region', { name: say(lang, 'share.region') });
      await expect.poll(() => notice.innerText()).toContain(say(lang, 'share.damaged'));
      expect(await page.evaluate(() => document.querySelector('session-workbench')!.sessionLab!.session.state().phase)).toBe('running');
      await notice.getByRole('button', { name: say(lang, 'share.dismiss') }).click();
      await expect.poll(() => new URL(page.url()).hash).toBe('');
      expect(await notice.isVisible()).toBe(false);
    });
  }
});
