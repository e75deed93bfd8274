// The sequence diagram of the security lesson, as a learner meets it, in pt, en and es (its words
// are what changes with the language): a login with the lesson's solution draws the session
// regenerated, old id → new id; a cookie edited in the request panel's jar (the tamper demo) draws
// the refused cookie and the new session. Checked in the text list screen readers get (the whole
// ids), in the SVG (short ids, and the tone a colour goes with) and in the badges above it.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { LANGS, base, chooseAction, say, serverRunning, useBrowser, type Lang } from './support.ts';
import { shortId } from '../../site/workbench/inspect/cookie-decode.ts';

const fixture = useBrowser({ viewport: { width: 1440, height: 900 } });

/** The session id each request of the timeline ended with, by path, oldest first. */
const sessionsOf = (page: Page, path: string) =>
  page.evaluate(
    (path) =>
      document
        .querySelector('session-workbench')!
        .sessionLab!.inspector.state.timeline.entries()
        .flatMap((entry) => (entry.kind === 'request' && entry.path === path && entry.response?.sessionId ? [entry.response.sessionId] : [])),
    path,
  );

async function sendFromDiagram(page: Page, lang: Lang, route: string) {
  const diagram = page.getByRole('region', { name: say(lang, 'inspect.sequence.title') });
  await diagram.getByRole('combobox', { name: say(lang, 'inspect.sequence.route') }).selectOption({ label: route });
  await diagram.getByRole('button', { name: say(lang, 'inspect.request.send'), exact: true }).click();
}

describe.each(LANGS)('the sequence diagram in %s', (lang) => {
  it('draws a login that regenerates the session (old → new id), then a forged cookie refused and a new session', async () => {
    const { page } = fixture;
    await page.goto(`${base}/${lang}/security/regenerate/`);
    await serverRunning(page);
    await chooseAction(page, lang, say(lang, 'workbench.solution'), 'menuitemcheckbox');
    await page.getByRole('button', { name: say(lang, 'workbench.applySolution'), exact: true }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: say(lang, 'workbench.applied').slice(0, 20) }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await page.getByRole('button', { name: say(lang, 'workbench.hideSolution'), exact: true }).click();
    await serverRunning(page);

    await page.getByRole('tab', { name: say(lang, 'inspect.sequence.tab'), exact: true }).click();
    const diagram = page.getByRole('region', { name: say(lang, 'inspect.sequence.title') });
    const steps = diagram.locator('.inspect-sequence-picture ol');
    await sendFromDiagram(page, lang, 'GET /viewcount');
    await expect.poll(() => sessionsOf(page, '/viewcount'), { timeout: 15_000 }).toHaveLength(1);
    const [old] = await sessionsOf(page, '/viewcount');
    await sendFromDiagram(page, lang, 'POST /login');
    await expect.poll(() => sessionsOf(page, '/login'), { timeout: 15_000 }).toHaveLength(1);
    const [fresh] = await sessionsOf(page, '/login');
    expect(fresh).not.toBe(old);

    // The list: the store asked to regenerate, from the old id to the new one, and the verdict.
    const regenerate = say(lang, 'inspect.sequence.regenerate', { previous: old!, id: fresh! });
    await expect.poll(() => steps.locator('li[data-kind="storeCall"]').allInnerTexts(), { timeout: 10_000 }).toContainEqual(expect.stringContaining(regenerate));
    expect(await steps.locator('li[data-verdict="regenerated"]').innerText()).toBe(say(lang, 'inspect.sequence.verdict.regenerated', { previous: old!, id: fresh! }));
    // The redirect to the profile, followed, is the second exchange of the same diagram.
    expect(await steps.locator('li[data-kind="redirect"]').innerText()).toBe(say(lang, 'inspect.sequence.followed', { request: 'GET /profile' }));
    // The picture: the regenerate arrow in its colour, with both ids (short); the badge says it in words.
    const arrow = diagram.locator('svg g[data-kind="storeCall"].seq-tone-regenerated text');
    expect(await arrow.textContent()).toBe(say(lang, 'inspect.sequence.regenerate', { previous: shortId(old!), id: shortId(fresh!) }));
    expect(await diagram.locator('.inspect-sequence-verdicts [data-verdict="regenerated"]').innerText()).toBe(
      say(lang, 'inspect.sequence.verdict.regenerated', { previous: shortId(old!), id: shortId(fresh!) }),
    );

    // The tamper: A's cookie (this solution names it sid) edited in the request panel's jar.
    await page.getByRole('tab', { name: say(lang, 'workbench.tabSession'), exact: true }).click();
    const jar = page.getByRole('table', { name: say(lang, 'inspect.jar.caption', { browser: say(lang, 'inspect.browser.A') }) });
    const value = jar.getByRole('textbox', { name: say(lang, 'inspect.jar.value', { name: 'sid' }) });
    const original = await value.inputValue();
    await value.fill(original.slice(0, -3) + (original.endsWith('AAA') ? 'BBB' : 'AAA'));
    await jar.getByRole('button', { name: say(lang, 'inspect.jar.save') }).click();
    await expect.poll(() => value.inputValue()).not.toBe(original);
    await page.getByRole('tab', { name: say(lang, 'inspect.sequence.tab'), exact: true }).click();
    await sendFromDiagram(page, lang, 'GET /profile');
    // Refused twice: the redirect to /login, followed, carries the same forged cookie.
    await expect.poll(() => steps.locator('li[data-kind="refused"]').count(), { timeout: 15_000 }).toBe(2);
    // The first /profile followed the login; the second is the one with the forged cookie.
    await expect.poll(() => sessionsOf(page, '/profile')).toHaveLength(2);
    const [, created] = await sessionsOf(page, '/profile');
    expect(created).not.toBe(fresh);
    expect(await steps.locator('li[data-kind="refused"]').first().innerText()).toContain(say(lang, 'inspect.sequence.refused'));
    expect(await steps.locator('li[data-kind="newSession"]').first().innerText()).toContain(say(lang, 'inspect.sequence.newSession', { id: created! }));
    // The store is never asked for the forged cookie's session: no store call before the answer.
    const kinds = await steps.locator('li').evaluateAll((items) => items.map((item) => item.getAttribute('data-kind') ?? item.getAttribute('data-verdict')));
    expect(kinds.slice(0, kinds.indexOf('response'))).toEqual(['request', 'refused', 'newSession']);
    expect(await diagram.locator('svg g[data-kind="refused"].seq-tone-refused').count()).toBe(2);
    expect(await diagram.locator('svg g[data-kind="newSession"].seq-tone-new').count()).toBeGreaterThan(0);
    expect(await diagram.locator('.inspect-sequence-verdicts [data-verdict="refused"]').first().innerText()).toBe(say(lang, 'inspect.sequence.verdict.refused'));
    expect(await diagram.locator('.inspect-sequence-verdicts [data-verdict="new"]').first().innerText()).toBe(say(lang, 'inspect.sequence.verdict.new', { id: shortId(created!) }));
  });
});
