// The workbench as a learner uses it, on the local runtime, driven by roles and accessible names:
// edit and run, never lose the edit (reload, language switch, reset/undo, solution), errors at
// the learner's line, Monaco only on intent, and one runtime across lesson navigation.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { base, bootOverlap, chooseAction, useBrowser } from './support.ts';

const STEP = '/how-sessions-work/one-counter/';
const running = /running on port \d+/;
const RUNNING: Record<string, RegExp> = { en: running, pt: /rodando na porta \d+/, es: /en el puerto \d+/ };

const fixture = useBrowser({ viewport: { width: 1400, height: 900 }, clipboard: true });
let page: Page;
beforeEach(() => {
  page = fixture.page;
});

async function openStep(lang: string, path = STEP) {
  await page.goto(`${base}/${lang}${path}`);
  await expect.poll(() => page.getByText(RUNNING[lang]!).count(), { timeout: 20_000 }).toBe(1);
}

const EDIT: Record<string, string> = { en: 'Edit', pt: 'Editar', es: 'Editar' };

/** What the learner's files hold now (the editor's own state, which storage and the runtime follow). */
const learnerFile = (path = 'server.js') => page.evaluate((p) => document.querySelector('session-workbench')!.sessionLab!.editor.files()[p], path);

async function openEditor(label = 'Code of server.js', lang = 'en') {
  await page.getByRole('button', { name: EDIT[lang], exact: true }).click();
  // Monaco's input is an EditContext element: focusable, though it has no box of its own.
  const code = page.getByRole('textbox', { name: label });
  await code.waitFor({ state: 'attached', timeout: 30_000 });
  return code;
}

/** Types at the end of the file without Monaco's auto-closing, then saves (Ctrl+S restarts). */
async function appendCode(text: string) {
  const code = await openEditor();
  await code.focus();
  await page.keyboard.press('Control+End');
  await page.keyboard.insertText(text);
  await page.keyboard.press('Control+S');
}

/** The preview's body at `path`, asked again until `expected` shows (the server may be restarting). */
async function previewShows(path: string, expected: string) {
  await page.getByRole('tab', { name: 'Preview' }).click();
  const address = page.getByRole('textbox', { name: 'Path in the preview' });
  const frame = page.getByTitle('Preview of your server').contentFrame();
  await expect
    .poll(async () => {
      await address.fill(path);
      await address.press('Enter');
      return frame.locator('body').innerText({ timeout: 2_000 }).catch(() => '');
    }, { timeout: 20_000, interval: 1_000 })
    .toContain(expected);
}

const HELLO = "\napp.get('/hello', (req, res) => res.send('hello from the editor'));\n";

describe('edit and run', () => {
  it('starts the server when the step opens, and restarts it with the learner\'s edit', async () => {
    await openStep('en');
    await previewShows('/viewcount', 'You have viewed this page');
    await appendCode(HELLO);
    await previewShows('/hello', 'hello from the editor');
    await page.getByRole('tab', { name: 'Terminal' }).click();
    await expect.poll(() => page.locator('.xterm-rows').innerText()).toMatch(/restarting the server/);
    await expect.poll(() => page.getByText(running).count()).toBe(1);
  });

  it('keeps the edit across a reload and a language switch', async () => {
    await openStep('en');
    await appendCode('\n// kept across reloads\n');
    await page.reload();
    await expect.poll(() => page.getByText(running).count(), { timeout: 20_000 }).toBe(1);
    // Before the editor loads, the plain view already shows the learner's version.
    await expect.poll(() => page.locator('[data-slot=editor]').innerText()).toContain('// kept across reloads');
    await page.getByRole('link', { name: 'Español' }).click();
    await page.waitForURL(`${base}/es${STEP}`);
    await expect.poll(() => page.getByText(RUNNING.es!).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-slot=editor]').innerText()).toContain('// kept across reloads');
    await openEditor('Código de server.js', 'es');
    expect(await learnerFile()).toContain('// kept across reloads');
  });

  it('resets to the starter and undoes the reset', async () => {
    await openStep('en');
    await appendCode('\n// my own work\n');
    await chooseAction(page, 'en', 'Reset to the starter');
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'reset to the starter' }).count()).toBe(1);
    await expect.poll(() => learnerFile()).not.toContain('// my own work');
    await chooseAction(page, 'en', 'Undo');
    await expect.poll(() => learnerFile()).toContain('// my own work');
    await page.reload();
    await expect.poll(() => page.locator('[data-slot=editor]').innerText(), { timeout: 20_000 }).toContain('// my own work');
  });

  it('shows the solution beside the code without touching the edit, and applies it only when asked', async () => {
    await openStep('en');
    await appendCode('\n// before the solution\n');
    await chooseAction(page, 'en', 'Show solution', 'menuitemcheckbox');
    await page.getByRole('textbox', { name: 'Solution: server.js (read-only)' }).waitFor({ state: 'attached', timeout: 30_000 });
    await page.getByRole('textbox', { name: 'Your code: server.js' }).waitFor({ state: 'attached' });
    await expect.poll(() => page.locator('.monaco-diff-editor').innerText()).toContain("require('express-session')");
    expect(await learnerFile()).toContain('// before the solution');
    await page.getByRole('button', { name: 'Hide solution' }).click();
    expect(await learnerFile()).toContain('// before the solution');
    await chooseAction(page, 'en', 'Show solution', 'menuitemcheckbox');
    await page.getByRole('button', { name: 'Use the solution' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'The solution is now in your files' }).count()).toBe(1);
    expect(await learnerFile()).toContain("require('express-session')");
    await previewShows('/viewcount', 'You have viewed this page');
    await chooseAction(page, 'en', 'Undo');
    await expect.poll(() => learnerFile()).toContain('// before the solution');
  });

  it('marks a syntax error at the learner\'s line, says where in the learner\'s language, and recovers', async () => {
    await openStep('pt');
    const code = await openEditor('Código de server.js', 'pt');
    await code.focus();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('\nconst broken = ;\n');
    await page.keyboard.press('Control+S');
    await expect.poll(() => page.getByText(/Seu servidor parou com um erro em server\.js, linha 21/).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    // The crash message pushes the code down, never covers it.
    expect(await bootOverlap(page)).toBe(0);
    // The marker: listed under the code, and a squiggle at the line once the learner goes there.
    const problem = page.getByRole('list', { name: 'Erros no seu código' }).getByRole('button', { name: /server\.js, linha 21/ });
    await problem.click();
    await expect.poll(() => page.locator('.monaco-editor .squiggly-error').count()).toBeGreaterThan(0);
    // The learner fixes the line: `const broken = 1;`.
    await code.focus();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.insertText('1');
    await page.keyboard.press('Control+S');
    await expect.poll(() => page.getByText(/rodando na porta \d+/).count(), { timeout: 20_000 }).toBe(1);
    expect(await learnerFile()).toContain('const broken = 1;');
    await expect.poll(() => page.locator('.monaco-editor .squiggly-error').count()).toBe(0);
  });
});

describe('loading and navigation', () => {
  it('does not fetch Monaco before the learner shows intent', async () => {
    const fetched: string[] = [];
    page.on('request', (request) => fetched.push(request.url()));
    await openStep('en');
    expect(fetched.filter((url) => /monaco|ts\.worker|editor\.worker/.test(url))).toEqual([]);
    await openEditor();
    expect(fetched.some((url) => /monaco-loader/.test(url))).toBe(true);
  });

  it('keeps one runtime across lesson navigation: a new lesson mounts, it never re-boots', async () => {
    await openStep('en');
    const before = await page.evaluate(() => {
      const handle = document.querySelector('session-workbench')!.sessionLab!;
      (window as unknown as { firstRuntime: unknown }).firstRuntime = handle.session.runtime();
      return handle.session.bootCount();
    });
    expect(before).toBe(1);
    const outline = page.getByRole('navigation', { name: 'Course outline' });
    await outline.getByText('Course outline').click();
    await outline.getByRole('link', { name: 'Install express-session' }).click();
    await page.waitForURL(/\/en\/install\//);
    await expect.poll(() => page.evaluate(() => document.querySelector('session-workbench')!.sessionLab!.lesson())).toBe('install');
    await expect.poll(() => page.getByText(running).count(), { timeout: 20_000 }).toBe(1);
    const after = await page.evaluate(() => {
      const handle = document.querySelector('session-workbench')!.sessionLab!;
      return { boots: handle.session.bootCount(), same: handle.session.runtime() === (window as unknown as { firstRuntime: unknown }).firstRuntime };
    });
    expect(after).toEqual({ boots: 1, same: true });
    await expect.poll(() => page.locator('[data-slot=editor]').innerText()).toContain('express');
    // The new lesson's code is shown highlighted (its page's server-rendered view), not as plain text.
    const shown = page.locator('[data-slot=editor] .se-plain');
    expect(await shown.locator('pre.astro-code').count()).toBe(1);
    expect(await shown.locator('[data-file]').getAttribute('data-file')).toBe(await page.evaluate(() => document.querySelector('session-workbench')!.sessionLab!.editor.activeFile()));
  });

  it('opens the file and the solution view an instructor\'s link asks for', async () => {
    await page.goto(`${base}/en/install/install/?file=package.json&solution`);
    await page.getByRole('textbox', { name: 'Solution: package.json (read-only)' }).waitFor({ state: 'attached', timeout: 30_000 });
    expect(await page.getByRole('button', { name: 'Hide solution' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'More actions', exact: true }).click();
    expect(await page.getByRole('menuitemcheckbox', { name: 'Show solution' }).getAttribute('aria-checked')).toBe('true');
  });

  it('copies a link to the step', async () => {
    await openStep('en');
    await chooseAction(page, 'en', 'Copy link to this step');
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(`${base}/en${STEP}`);
  });
});
