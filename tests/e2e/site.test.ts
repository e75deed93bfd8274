// The static course, read as a learner would: every language, a step, the language switch, the
// 404, the root's language pick, and no JavaScript needed to read.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../../scripts/lib/browser.ts';
import { loadCourse } from '../../lab/lessons/load.ts';
import { repoRoot } from '../../scripts/lib/course-server.ts';
import { join } from 'node:path';

const base = inject('courseUrl');
const course = loadCourse(join(repoRoot, 'lessons'));
const lesson = course[0]!;
const steps = lesson.meta.steps.map((s) => s.id);
const HTML_LANG = { pt: 'pt-BR', en: 'en', es: 'es' } as const;
const NAMES = { pt: 'Português (Brasil)', en: 'English', es: 'Español' } as const;
const OUTLINE = { pt: 'Sumário do curso', en: 'Course outline', es: 'Índice del curso' } as const;
const NOT_FOUND = { pt: 'Página não encontrada', en: 'Page not found', es: 'Página no encontrada' } as const;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe.each(['pt', 'en', 'es'] as const)('in %s', (lang) => {
  it('serves the outline with every lesson and step, in the language, cross-origin isolated', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${base}/${lang}/`);
    expect(response!.status()).toBe(200);
    const headers = response!.headers();
    expect(headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.locator('html').getAttribute('lang')).toBe(HTML_LANG[lang]);
    await expect.poll(() => page.getByRole('heading', { level: 2, name: OUTLINE[lang] }).count()).toBe(1);
    for (const course_lesson of course) {
      await expect.poll(() => page.getByRole('link', { name: course_lesson.texts[lang].text.title, exact: true }).count()).toBeGreaterThan(0);
      for (const step of course_lesson.texts[lang].steps) {
        expect(await page.getByRole('link', { name: step.title, exact: true }).count(), step.title).toBeGreaterThan(0);
      }
    }
    await page.close();
  });

  it('renders every step with its title, the right <html lang> and hreflang alternates', async () => {
    const page = await browser.newPage();
    for (const [i, id] of steps.entries()) {
      const response = await page.goto(`${base}/${lang}/${lesson.meta.id}/${id}/`);
      expect(response!.status()).toBe(200);
      expect(await page.locator('html').getAttribute('lang')).toBe(HTML_LANG[lang]);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(lesson.texts[lang].steps[i]!.title);
      const alternates = await page.locator('link[rel=alternate][hreflang]').evaluateAll((els) => els.map((e) => `${e.getAttribute('hreflang')} ${e.getAttribute('href')}`));
      expect(alternates).toEqual(expect.arrayContaining(['pt-BR /pt/' + lesson.meta.id + '/' + id + '/', 'es /es/' + lesson.meta.id + '/' + id + '/', 'en /en/' + lesson.meta.id + '/' + id + '/']));
    }
    await page.close();
  });

  it('the language switch keeps the step', async () => {
    const page = await browser.newPage();
    const step = steps.at(-1)!;
    await page.goto(`${base}/${lang}/${lesson.meta.id}/${step}/`);
    for (const other of (['pt', 'en', 'es'] as const).filter((l) => l !== lang)) {
      await page.getByRole('navigation', { name: { pt: 'Idioma', en: 'Language', es: 'Idioma' }[lang] }).getByRole('link', { name: NAMES[other] }).click();
      await page.waitForURL(`${base}/${other}/${lesson.meta.id}/${step}/`);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(lesson.texts[other].steps.at(-1)!.title);
      await page.goBack();
      await page.waitForURL(`${base}/${lang}/${lesson.meta.id}/${step}/`);
    }
    await page.close();
  });

  it('answers an unknown path with a 404 page in the language', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${base}/${lang}/no-such-lesson/`);
    expect(response!.status()).toBe(404);
    expect(await page.locator('html').getAttribute('lang')).toBe(HTML_LANG[lang]);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(NOT_FOUND[lang]);
    await page.close();
  });
});

describe('navigation and reading', () => {
  it('walks a lesson with next and previous links', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/en/${lesson.meta.id}/${steps[0]}/`);
    for (const title of lesson.texts.en.steps.slice(1).map((s) => s.title)) {
      await page.locator('a[rel=next]').click();
      await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe(title);
    }
    await page.locator('a[rel=prev]').click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe(lesson.texts.en.steps.at(-2)!.title);
    await page.close();
  });

  it('reads with JavaScript turned off: text, outline and language links are there', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/es/${lesson.meta.id}/${steps[0]}/`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(lesson.texts.es.steps[0]!.title);
    expect(await page.getByRole('navigation', { name: 'Índice del curso' }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'English' }).getAttribute('href')).toBe(`/en/${lesson.meta.id}/${steps[0]}/`);
    // The root page without JavaScript: plain links to each language.
    await page.goto(`${base}/`);
    expect(await page.getByRole('link', { name: 'Português (Brasil)' }).getAttribute('href')).toBe('/pt/');
    await context.close();
  });

  it.each([
    ['pt-BR', '/pt/'],
    ['es-MX', '/es/'],
    ['fr-FR', '/en/'],
  ])('sends a browser that prefers %s from / to %s', async (locale, target) => {
    const context = await browser.newContext({ locale });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.waitForURL(`${base}${target}`);
    await context.close();
  });

  it('highlights code blocks with light and dark themes at build time', async () => {
    const page = await browser.newPage();
    const withCode = lesson.meta.steps.find((_, i) => lesson.texts.en.steps[i]!.markdown.includes('```'))!;
    await page.goto(`${base}/en/${lesson.meta.id}/${withCode.id}/`);
    const style = await page.locator('.prose pre.astro-code').first().getAttribute('style');
    expect(style).toContain('--shiki-dark');
    expect(style).toContain('--shiki-light');
    await page.close();
  });

  it('refuses a malformed address with a clear 400, not a crash', async () => {
    const res = await fetch(`${base}/en/%E0%A4%A/`);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/malformed/);
    expect((await fetch(`${base}/en/`)).status).toBe(200);
  });
});
