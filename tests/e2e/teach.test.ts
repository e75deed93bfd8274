// The teaching plan (/{lang}/teach/): every step of every lesson, in every language, with links
// that open (the step, each file, the solution); the copy buttons give the link in full; printed,
// it is a handout (no page chrome, no buttons, links in full). axe is in accessibility.test.ts.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCourse } from '../../lab/lessons/load.ts';
import { repoRoot } from '../../scripts/lib/course-server.ts';
import { LANGS, base, say, useBrowser } from './support.ts';

const course = loadCourse(join(repoRoot, 'lessons'));

describe('the teaching plan', () => {
  const fixture = useBrowser({ clipboard: true });

  it.each(LANGS)('lists every step of every lesson in %s, with links that open, from the outline’s footer', async (lang) => {
    const { page } = fixture;
    await page.goto(`${base}/${lang}/`);
    await page.getByRole('link', { name: say(lang, 'teach.footer') }).click();
    await page.waitForURL(`${base}/${lang}/teach/`);
    for (const lesson of course) {
      for (const step of lesson.texts[lang].steps) {
        const path = `/${lang}/${lesson.meta.id}/${step.id}/`;
        const links = await page.locator(`a[href^="${path}"]`).evaluateAll((nodes) => nodes.map((a) => (a as HTMLAnchorElement).getAttribute('href')));
        expect(links, path).toEqual(expect.arrayContaining([path, `${path}?solution`, `${path}?file=server.js`]));
        expect(await page.getByRole('heading', { level: 3, name: new RegExp(step.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) }).count(), path).toBe(1);
      }
    }
    // Every link opens a page of the course (the plan is made from the lessons, never by hand).
    const hrefs = [...new Set(await page.locator('.teach-links a').evaluateAll((nodes) => nodes.map((a) => (a as HTMLAnchorElement).href)))];
    expect(hrefs.length).toBeGreaterThan(course.length * 3);
    for (const href of hrefs) expect((await page.request.get(href)).status(), href).toBe(200);
    // The class-ready check: the self-check page, linked in the language.
    const selfCheck = page.getByRole('link', { name: say(lang, 'teach.selfCheck') });
    expect(await selfCheck.getAttribute('href')).toBe(`/${lang}/self-check/`);
    expect((await page.request.get(`${base}/${lang}/self-check/`)).status()).toBe(200);
    // What "Check my work" verifies: the checks' own messages, in the language.
    const first = course.find((l) => l.meta.steps.some((s) => s.checks.length > 0))!;
    const check = first.meta.steps.flatMap((s) => s.checks)[0]!;
    expect(await page.locator('main').innerText()).toContain(first.texts[lang].text.messages[check.message]);
  });

  it('copies a link in full, and prints as a handout: no page chrome, no buttons, every link in full', async () => {
    const { page } = fixture;
    await page.goto(`${base}/en/teach/`);
    const firstStep = `/en/${course[0]!.meta.id}/${course[0]!.texts.en.steps[0]!.id}/`;
    await page.locator('.teach-links button').first().click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(`${base}${firstStep}`);
    await expect.poll(() => page.locator('[data-copy-status]').innerText()).toBe(say('en', 'teach.copied', { url: `${base}${firstStep}` }));

    await page.emulateMedia({ media: 'print' });
    for (const selector of ['.site-header', '.teach-links button', 'session-workbench']) {
      const shown = await page.locator(selector).evaluateAll((nodes) => nodes.filter((n) => (n as HTMLElement).offsetParent !== null || getComputedStyle(n).display !== 'none').length);
      expect(shown, selector).toBe(0);
    }
    const printed = await page.locator('.teach-links code').allInnerTexts();
    expect(printed.every((text) => text.startsWith(`${base}/en/`))).toBe(true);
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });
});
