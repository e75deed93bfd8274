// Each browser's cookie jar, as a table: name, value (editable: the tamper demo), attributes; and
// a button that empties the jar. An edit being typed survives the jar changing underneath it.
import type { BrowserId, JarCookie } from '../../../lab/protocol/requests.ts';
import { errorText } from '../session/session-text.ts';
import { sessionError } from '../session/session-error.ts';
import { browserLabel, dateTime, el, type Translate } from './dom.ts';
import { JAR_BROWSERS, type InspectState } from './state.ts';

export interface JarViewDeps {
  readonly t: Translate;
  readonly state: InspectState;
  /** The learner's language (dates). */
  readonly lang: () => string;
}

export interface JarView {
  dispose(): void;
}

/** "Path=/ · HttpOnly · SameSite=Lax · Expires …": the attributes a jar keeps. */
export function jarAttributes(t: Translate, cookie: JarCookie, lang: string): string {
  const parts: string[] = [];
  if (cookie.path) parts.push(`Path=${cookie.path}`);
  if (cookie.domain) parts.push(`Domain=${cookie.domain}`);
  if (cookie.httpOnly) parts.push('HttpOnly');
  if (cookie.secure) parts.push('Secure');
  if (cookie.sameSite) parts.push(`SameSite=${cookie.sameSite}`);
  const expires = cookie.expires === null ? Number.NaN : Date.parse(cookie.expires);
  parts.push(Number.isNaN(expires) ? t('inspect.jar.untilClosed') : t('inspect.jar.expires', { date: dateTime(lang, expires) }));
  return parts.join(' · ');
}

export function mountJars(container: HTMLElement, deps: JarViewDeps): JarView {
  const { t, state } = deps;
  const root = el('div', { class: 'inspect-jars' });
  const status = el('p', { class: 'inspect-status', role: 'status' });
  container.append(root, status);

  /** browser → cookie name → the value being typed (only while it differs from the jar's) */
  const drafts = new Map<BrowserId, Map<string, string>>();
  const draftsOf = (browser: BrowserId) => drafts.get(browser) ?? drafts.set(browser, new Map()).get(browser)!;

  const save = async (browser: BrowserId, name: string, input: HTMLInputElement, button: HTMLButtonElement) => {
    button.setAttribute('aria-busy', 'true');
    try {
      await state.setCookie(browser, name, input.value);
      draftsOf(browser).delete(name);
      status.textContent = t('inspect.jar.saved', { name, browser: browserLabel(t, browser) });
    } catch (error) {
      status.textContent = errorText(t, sessionError(error));
    } finally {
      button.removeAttribute('aria-busy');
    }
  };

  const row = (browser: BrowserId, cookie: JarCookie) => {
    const draft = draftsOf(browser).get(cookie.name);
    const input = el('input', {
      type: 'text',
      class: 'inspect-jar-value',
      value: draft ?? cookie.value,
      'aria-label': t('inspect.jar.value', { name: cookie.name }),
      spellcheck: 'false',
      autocomplete: 'off',
      autocapitalize: 'off',
    });
    const button = el('button', { type: 'button', class: 'inspect-jar-save' }, t('inspect.jar.save'));
    input.addEventListener('input', () => {
      if (input.value === cookie.value) draftsOf(browser).delete(cookie.name);
      else draftsOf(browser).set(cookie.name, input.value);
    });
    input.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter') return;
      event.preventDefault();
      void save(browser, cookie.name, input, button);
    });
    button.addEventListener('click', () => void save(browser, cookie.name, input, button));
    return el(
      'tr',
      { 'data-cookie': cookie.name },
      el('th', { scope: 'row' }, el('code', {}, cookie.name)),
      el('td', { class: 'inspect-jar-edit' }, input, button),
      el('td', { class: 'inspect-jar-attributes' }, jarAttributes(t, cookie, deps.lang())),
    );
  };

  const table = (browser: BrowserId) => {
    const cookies = state.jar(browser);
    // Drafts of cookies that are gone are dropped.
    const names = new Set(cookies.map((c) => c.name));
    for (const name of [...draftsOf(browser).keys()]) if (!names.has(name)) draftsOf(browser).delete(name);
    const label = browserLabel(t, browser);
    const clear = el('button', { type: 'button', class: 'inspect-jar-clear' }, t('inspect.jar.clear', { browser: label }));
    clear.disabled = cookies.length === 0;
    clear.addEventListener('click', async () => {
      clear.setAttribute('aria-busy', 'true');
      try {
        await state.clearJar(browser);
        status.textContent = t('inspect.jar.cleared', { browser: label });
      } catch (error) {
        status.textContent = errorText(t, sessionError(error));
      } finally {
        clear.removeAttribute('aria-busy');
      }
    });
    const body = el('tbody');
    for (const cookie of cookies) body.append(row(browser, cookie));
    if (cookies.length === 0) body.append(el('tr', {}, el('td', { colspan: 3, class: 'inspect-muted' }, t('inspect.jar.empty'))));
    return el(
      'div',
      { class: 'inspect-jar', 'data-browser': browser, 'data-current': String(state.browser() === browser) },
      el(
        'table',
        {},
        el('caption', {}, t('inspect.jar.caption', { browser: label })),
        el(
          'thead',
          {},
          el('tr', {}, el('th', { scope: 'col' }, t('inspect.jar.name')), el('th', { scope: 'col' }, t('inspect.jar.valueColumn')), el('th', { scope: 'col' }, t('inspect.jar.attributes'))),
        ),
        body,
      ),
      clear,
    );
  };

  const render = () => {
    // Keep the focus where it was (an input or button of the same cookie) across the re-render.
    const active = document.activeElement;
    const focused = active instanceof HTMLElement && root.contains(active) ? focusPath(active) : null;
    root.replaceChildren(
      ...JAR_BROWSERS.map(table),
      el('p', { class: 'inspect-muted' }, t('inspect.jar.noneHasNoJar')),
    );
    if (focused) restoreFocus(root, focused);
  };

  const unsubscribe = state.on((change) => {
    if (change === 'jar' || change === 'reset' || change === 'browser') render();
  });
  render();
  return {
    dispose() {
      unsubscribe();
      root.remove();
      status.remove();
    },
  };
}

interface FocusPath {
  readonly browser: string | null;
  readonly cookie: string | null;
  readonly selector: string;
}

const focusPath = (element: HTMLElement): FocusPath => ({
  browser: element.closest('[data-browser]')?.getAttribute('data-browser') ?? null,
  cookie: element.closest('[data-cookie]')?.getAttribute('data-cookie') ?? null,
  selector: element.classList[0] ? `.${element.classList[0]}` : element.tagName.toLowerCase(),
});

function restoreFocus(root: HTMLElement, path: FocusPath): void {
  const scope = root.querySelector(`[data-browser="${CSS.escape(path.browser ?? '')}"]`);
  const row = path.cookie === null ? scope : scope?.querySelector(`[data-cookie="${CSS.escape(path.cookie)}"]`);
  const target = row?.querySelector<HTMLElement>(path.selector);
  target?.focus();
}
