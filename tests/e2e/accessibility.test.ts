// The accessibility gate: axe-core on the teaching plan, the course outline and the first step of every lesson,
// in pt, en and es, in light and dark, with zero violations (WCAG 2.2 A/AA and axe's best
// practices). Step pages are checked once their workbench is live and the server runs, so the
// request panel, cookie and store views are in the check (lesson 1 opens on its sequence diagram);
// one step per language also shows the solution beside the code, a session in the cookie and store
// views and that request's sequence diagram, and in English it opens
// each output tab (timeline, check results, terminal, preview) and the editor. Dark is the theme toggle's: the same load, the attribute switched. Lessons
// follow each other by link, as a learner moves (the workbench and axe stay loaded).
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import axe from 'axe-core';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/lib/course-server.ts';
import { loadCourse } from '../../lab/lessons/load.ts';
import { LANGS, base, chooseAction, say, serverRunning, useBrowser, type Lang } from './support.ts';

const course = loadCourse(join(repoRoot, 'lessons'));
const SCHEMES = ['light', 'dark'] as const;
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
/** What a colour scheme can break; structure and names are the same in both. */
const COLOUR_RULES = ['color-contrast', 'link-in-text-block', 'non-text-contrast'];

interface Finding {
  page: string;
  rule: string;
  impact: string | null;
  nodes: string[];
}

/** axe's violations on the page as it is now, in a form a failing test can print. */
async function violations(page: Page, where: string, rules?: string[]): Promise<Finding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axe.source });
  const result = await page.evaluate(async ({ tags, rules }) => {
    const { axe: engine } = window as unknown as { axe: typeof axe };
    const rulesKnown = rules?.filter((rule) => engine.getRules().some((known) => known.ruleId === rule));
    const runOnly = rulesKnown ? { type: 'rule' as const, values: rulesKnown } : { type: 'tag' as const, values: tags };
    const { violations } = await engine.run(document, { runOnly, resultTypes: ['violations'] });
    return violations.map((v) => ({ rule: v.id, impact: v.impact ?? null, nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary?.split('\n')[1]?.trim() ?? ''}`) }));
  }, { tags: TAGS, rules });
  return result.map((finding) => ({ page: where, ...finding }));
}

const isLive = (page: Page) => page.waitForSelector('session-workbench[data-live]', { state: 'attached', timeout: 30_000 });

/**
 * The page in light with every rule, then in dark (the theme toggle's attribute) with the rules
 * a colour scheme can change: one load, both schemes.
 */
async function bothSchemes(page: Page, where: string): Promise<Finding[]> {
  const found: Finding[] = [];
  for (const scheme of SCHEMES) {
    await page.evaluate((theme) => document.documentElement.setAttribute('data-theme', theme), scheme);
    found.push(...(await violations(page, `${where} [${scheme}]`, scheme === 'dark' ? COLOUR_RULES : undefined)));
  }
  return found;
}

/**
 * Moves to another lesson as a learner does, by a link (client-side navigation: the workbench and
 * axe stay loaded), until that lesson's server listens.
 */
async function followLinkTo(page: Page, path: string): Promise<void> {
  await page.evaluate(
    (href) =>
      new Promise<void>((resolve) => {
        const session = document.querySelector('session-workbench')!.sessionLab!.session;
        const off = session.onServer((event) => {
          if (event.type === 'listening' && event.reason === 'open') {
            off();
            resolve();
          }
        });
        const link = Object.assign(document.createElement('a'), { href });
        document.body.append(link);
        link.click();
        link.remove();
      }),
    path,
  );
  await expect.poll(() => new URL(page.url()).pathname).toBe(path);
}

const TAB_STEP = (lang: Lang) => `/${lang}/set-get/count-views/`;

/**
 * The step with the solution shown beside the code, then taken, so that a request sets a session
 * cookie and the cookie and store views and the timeline have something to show.
 */
async function solutionAndSession(page: Page, lang: Lang, found: Finding[]): Promise<void> {
  const path = TAB_STEP(lang);
  await page.goto(`${base}${path}`);
  await isLive(page);
  await serverRunning(page);
  await chooseAction(page, lang, say(lang, 'workbench.solution'), 'menuitemcheckbox');
  await page.getByRole('button', { name: say(lang, 'workbench.applySolution'), exact: true }).waitFor();
  found.push(...(await bothSchemes(page, `${path} (solution shown)`)));
  await page.getByRole('button', { name: say(lang, 'workbench.applySolution'), exact: true }).click();
  await page.getByRole('button', { name: say(lang, 'workbench.hideSolution'), exact: true }).click();
  await serverRunning(page);
  await page.getByRole('button', { name: say(lang, 'inspect.request.send'), exact: true }).click();
  await page.getByRole('region', { name: say(lang, 'inspect.cookie.title'), exact: true }).locator('[data-session-id]').first().waitFor({ state: 'attached' });
  found.push(...(await bothSchemes(page, `${path} (session)`)));
  // The same request drawn as a sequence diagram (its words change with the language).
  await page.getByRole('tab', { name: say(lang, 'inspect.sequence.tab'), exact: true }).click();
  await page.locator('.inspect-sequence-picture svg').waitFor();
  found.push(...(await bothSchemes(page, `${path} (diagram)`)));
}

/** Each output tab opened (the checks run, the terminal and the preview loaded), then the editor. */
async function tabsAndEditor(page: Page, lang: Lang, found: Finding[]): Promise<void> {
  const path = TAB_STEP(lang);
  for (const key of ['inspect.timeline.title', 'inspect.checks.run', 'workbench.terminal', 'workbench.preview']) {
    await page.getByRole('tab', { name: say(lang, key), exact: true }).click();
    if (key === 'inspect.checks.run') {
      await page.getByRole('tabpanel').getByRole('button', { name: say(lang, 'inspect.checks.run'), exact: true }).click();
      await page.locator('[data-slot="inspect-checks"] [data-passed]').first().waitFor({ timeout: 20_000 });
    }
    if (key === 'workbench.terminal') await page.locator('.xterm-screen').waitFor({ timeout: 20_000 });
    if (key === 'workbench.preview') await page.locator('iframe.run-preview-frame:not([hidden])').waitFor({ timeout: 20_000 });
    found.push(...(await bothSchemes(page, `${path} (${key})`)));
  }
  // The solution view has loaded Monaco already; otherwise Edit opens it.
  const edit = page.getByRole('button', { name: say(lang, 'editor.edit'), exact: true });
  if (await edit.isVisible()) await edit.click();
  await page.getByRole('textbox', { name: say(lang, 'editor.codeLabel', { file: 'server.js' }) }).waitFor({ state: 'attached', timeout: 30_000 });
  found.push(...(await bothSchemes(page, `${path} (editor)`)));
}

describe('accessibility', () => {
  const fixture = useBrowser({ viewport: { width: 1400, height: 900 } });

  it.each(LANGS)('the teaching plan, the outline and the first step of every lesson in %s: no axe violations, light and dark', async (lang) => {
    const { page } = fixture;
    const found: Finding[] = [];
    await page.goto(`${base}/${lang}/teach/`);
    found.push(...(await bothSchemes(page, `/${lang}/teach/`)));
    await page.goto(`${base}/${lang}/`);
    found.push(...(await bothSchemes(page, `/${lang}/`)));
    for (const [index, lesson] of course.entries()) {
      const path = `/${lang}/${lesson.meta.id}/${lesson.texts[lang].steps[0]!.id}/`;
      if (index === 0) {
        await page.goto(`${base}${path}`);
        await isLive(page);
      } else await followLinkTo(page, path);
      await serverRunning(page);
      found.push(...(await bothSchemes(page, path)));
    }
    expect(found).toEqual([]);
  });

  // The solution view and the session views (most of the words) in every language; the output
  // tabs and the editor, whose structure and colours do not change with the language, in one.
  it.each(['pt', 'es'] as const)('the solution beside the code and the session views in %s: no axe violations, light and dark', async (lang: Lang) => {
    const found: Finding[] = [];
    await solutionAndSession(fixture.page, lang, found);
    expect(found).toEqual([]);
  });

  it('the solution beside the code, the session views, every output tab and the editor in en: no axe violations, light and dark', async () => {
    const found: Finding[] = [];
    await solutionAndSession(fixture.page, 'en', found);
    await tabsAndEditor(fixture.page, 'en', found);
    expect(found).toEqual([]);
  });
});
