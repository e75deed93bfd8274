// What the end-to-end tests share: the course's address, one browser per file with a fresh
// context per test, the learner's words in each language (read from the locale files, so one
// test reads all three), and the workbench's readiness as the page itself reports it.
import { afterAll, afterEach, beforeAll, beforeEach, inject } from 'vitest';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from '../../scripts/lib/browser.ts';
import { repoRoot } from '../../scripts/lib/course-server.ts';

export const base = inject('courseUrl');
export const LANGS = ['en', 'pt', 'es'] as const;
export type Lang = (typeof LANGS)[number];

type Tree = { [key: string]: string | Tree };
const locales = new Map<Lang, Tree>();
const locale = (lang: Lang): Tree => {
  let tree = locales.get(lang);
  if (!tree) {
    tree = JSON.parse(readFileSync(join(repoRoot, 'locales', `${lang}.json`), 'utf8')) as Tree;
    locales.set(lang, tree);
  }
  return tree;
};

/** The UI string `key` in `lang`, with {{values}} filled in (missing ones left empty). */
export function say(lang: Lang, key: string, values: Record<string, string> = {}): string {
  const text = key.split('.').reduce<string | Tree | undefined>((t, k) => (typeof t === 'object' ? t[k] : undefined), locale(lang));
  if (typeof text !== 'string') throw new Error(`no ${key} in ${lang}`);
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => values[name] ?? '');
}

/** Every UI string of `lang`, by its dotted key. */
export function strings(lang: Lang): Map<string, string> {
  const flat = (tree: Tree, prefix = ''): [string, string][] =>
    Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v] as [string, string]] : flat(v, `${prefix}${k}.`)));
  return new Map(flat(locale(lang)));
}

export interface BrowserFixture {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
}

/** One Chromium for the file, a new context (and page) for every test. `browserArgs`: extra
 * command-line switches for that Chromium. */
export function useBrowser(options: BrowserContextOptions & { clipboard?: boolean; browserArgs?: string[] } = {}): BrowserFixture {
  const { clipboard, browserArgs = [], ...contextOptions } = options;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  beforeAll(async () => {
    browser = await launchBrowser(browserArgs);
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    context = await browser!.newContext({ viewport: { width: 1400, height: 900 }, ...contextOptions });
    if (clipboard) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    page = await context.newPage();
  });
  afterEach(async () => {
    await context?.close();
  });
  return {
    get browser() {
      return browser!;
    },
    get context() {
      return context!;
    },
    get page() {
      return page!;
    },
  };
}

export { serverRunning } from '../../scripts/lib/page-figures.ts';

/** How far the boot panel's content reaches into the code below it, in px (0: it does not). A
 * message or a note in the boot panel must push the code down, never cover it. */
export async function bootOverlap(page: Page): Promise<number> {
  return page.evaluate(() => {
    const boot = document.querySelector('session-workbench .run-boot')!.getBoundingClientRect();
    const code = document.querySelector('session-workbench [data-slot="editor"]')!.getBoundingClientRect();
    return Math.max(0, Math.round(boot.bottom - code.top));
  });
}

/**
 * Chooses an action of the workbench's "More actions" menu as a learner does: opens the menu with
 * its button, then activates the item named `name` (a menu item, or the solution's checkbox item).
 */
export async function chooseAction(page: Page, lang: Lang, name: string, role: 'menuitem' | 'menuitemcheckbox' | 'menuitemradio' = 'menuitem'): Promise<void> {
  await page.getByRole('button', { name: say(lang, 'workbench.more'), exact: true }).click();
  await page.getByRole('menu', { name: say(lang, 'workbench.more') }).getByRole(role, { name, exact: true }).click();
}
