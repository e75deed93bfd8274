// Room to write: how many lines of code a learner sees without scrolling the page (counted on
// screen, in the highlighted code and then in Monaco) at 1440×900 and 1280×720; the separator
// between the editor and the output moved from the keyboard and remembered after a reload;
// "Editor only" and back; the "More actions" menu from the keyboard; and the same features on a
// 390×844 phone. Layout does not change with the language: English only.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { base, say, serverRunning, useBrowser } from './support.ts';
import { EDITOR_SPLIT } from '../../site/workbench/layout/split.ts';

const fixture = useBrowser({ viewport: { width: 1440, height: 900 } });
// A long server.js (the security lesson's), so the code fills whatever room it is given.
const STEP = `${base}/en/security/tamper/`;
const SPLIT_KEY = 'session-lab:v1:editor-split';

/** Lines of code entirely inside the code's visible box: the highlighted view, or Monaco's. */
const visibleLines = (page: Page, where: 'static' | 'monaco') =>
  page.evaluate((where) => {
    const box = document.querySelector(where === 'static' ? '[data-slot="editor"] .se-plain' : '[data-slot="editor"] .monaco-editor')!.getBoundingClientRect();
    const lines = document.querySelectorAll(where === 'static' ? '[data-slot="editor"] .se-plain pre .line' : '[data-slot="editor"] .monaco-editor .view-lines .view-line');
    return [...lines].filter((line) => {
      const r = line.getBoundingClientRect();
      return r.height > 0 && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5;
    }).length;
  }, where);
const pageScrolls = (page: Page) => page.evaluate(() => document.documentElement.scrollHeight > innerHeight + 1);
const separator = (page: Page) => page.getByRole('separator', { name: say('en', 'workbench.resizeEditor') });
const editorHeight = (page: Page) => page.locator('[data-slot="editor"]').evaluate((node) => node.getBoundingClientRect().height);

async function openEditor(page: Page) {
  await page.getByRole('button', { name: say('en', 'editor.edit'), exact: true }).click();
  await page.locator('[data-slot="editor"] .monaco-editor .view-line').first().waitFor({ timeout: 30_000 });
}

describe('room to write', () => {
  it('shows at least 24 lines at 1440×900 and 16 at 1280×720 without scrolling the page; the separator moves by keyboard and is remembered; "Editor only" gives the code the whole workbench', async () => {
    const { page } = fixture;
    await page.goto(STEP);
    await serverRunning(page);
    expect(await visibleLines(page, 'static')).toBeGreaterThanOrEqual(24);
    await openEditor(page);
    expect(await visibleLines(page, 'monaco')).toBeGreaterThanOrEqual(24);
    expect(await pageScrolls(page)).toBe(false);

    // The separator, from the keyboard: a focusable window splitter with its value.
    const split = separator(page);
    expect(await split.getAttribute('aria-valuenow')).toBe(String(EDITOR_SPLIT.initial));
    const before = await editorHeight(page);
    await split.focus();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    expect(await split.getAttribute('aria-valuenow')).toBe(String(EDITOR_SPLIT.initial - 2 * EDITOR_SPLIT.step));
    expect(await editorHeight(page)).toBeLessThan(before - 30);
    await page.keyboard.press('End');
    expect(await split.getAttribute('aria-valuenow')).toBe('85');
    await page.keyboard.press('ArrowUp');
    const chosen = await editorHeight(page);
    // Remembered per browser: after a reload it is where the learner left it, from the first paint.
    await page.reload();
    expect(await page.evaluate(() => document.querySelector('session-workbench')!.style.getPropertyValue('--editor-share'))).toBe('80');
    await serverRunning(page);
    expect(await separator(page).getAttribute('aria-valuenow')).toBe('80');
    expect(Math.abs((await editorHeight(page)) - chosen)).toBeLessThan(2);

    // "Editor only": the output goes, the code takes its room; pressed again, all comes back.
    const only = page.getByRole('button', { name: say('en', 'workbench.editorOnly'), exact: true });
    await only.click();
    expect(await only.getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('[data-slot="output"]').isVisible()).toBe(false);
    expect(await editorHeight(page)).toBeGreaterThan(chosen + 40);
    await only.click();
    expect(await page.locator('[data-slot="output"]').isVisible()).toBe(true);

    // The menu from the keyboard: ArrowDown opens it on its first item, the arrows move, Escape
    // closes it and gives the focus back to its button.
    const more = page.getByRole('button', { name: say('en', 'workbench.more'), exact: true });
    await more.focus();
    await page.keyboard.press('ArrowDown');
    expect(await more.getAttribute('aria-expanded')).toBe('true');
    const focusedName = () => page.evaluate(() => document.activeElement?.textContent?.trim());
    expect(await focusedName()).toBe(say('en', 'workbench.solution'));
    await page.keyboard.press('ArrowDown');
    expect(await focusedName()).toBe(say('en', 'workbench.reset'));
    await page.keyboard.press('End');
    expect(await focusedName()).toBe(say('en', 'run.preference.readonly'));
    await page.keyboard.press('Escape');
    expect(await more.getAttribute('aria-expanded')).toBe('false');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('wb-more');

    // 1280×720, with the split the course starts with.
    await page.evaluate((key) => localStorage.removeItem(key), SPLIT_KEY);
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.reload();
    await serverRunning(page);
    expect(await visibleLines(page, 'static')).toBeGreaterThanOrEqual(16);
    await openEditor(page);
    expect(await visibleLines(page, 'monaco')).toBeGreaterThanOrEqual(16);
    expect(await pageScrolls(page)).toBe(false);
  });

  it('on a 390×844 phone: the code takes the whole height while it has the focus, the menu fits, the diagram scrolls sideways inside its box', async () => {
    const { page } = fixture;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(STEP);
    await page.getByRole('tab', { name: say('en', 'workbench.tabCode') }).click();
    await serverRunning(page);
    await openEditor(page);
    await page.locator('[data-slot="editor"] .monaco-editor textarea').focus();
    const sizes = await page.evaluate(() => ({
      editor: document.querySelector('[data-slot="editor"]')!.getBoundingClientRect().height,
      output: document.querySelector('[data-slot="output"]')!.getBoundingClientRect().height,
      screen: innerHeight,
    }));
    expect(sizes.output).toBe(0);
    expect(sizes.editor).toBeGreaterThan(sizes.screen * 0.6);

    await page.getByRole('button', { name: say('en', 'workbench.more'), exact: true }).click();
    const menu = await page.getByRole('menu').boundingBox();
    expect(menu!.x).toBeGreaterThanOrEqual(0);
    expect(menu!.x + menu!.width).toBeLessThanOrEqual(390);
    await page.keyboard.press('Escape');

    await page.getByRole('tab', { name: say('en', 'inspect.sequence.tab') }).click();
    const diagram = page.getByRole('region', { name: say('en', 'inspect.sequence.title') });
    await diagram.getByRole('button', { name: say('en', 'inspect.request.send'), exact: true }).click();
    const picture = diagram.locator('.inspect-sequence-picture');
    await picture.locator('svg').waitFor();
    const widths = await picture.evaluate((node) => ({ scroll: node.scrollWidth, client: node.clientWidth, page: document.documentElement.scrollWidth }));
    expect(widths.scroll).toBeGreaterThan(widths.client);
    expect(widths.page).toBeLessThanOrEqual(390);
  });
});
