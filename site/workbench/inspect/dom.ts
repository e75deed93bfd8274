// What the inspector's panels share in the DOM: an element builder, a panel's region (a section
// named by its title), ids for ARIA relations, browser names and times in the learner's language.
// No text here that does not come from t().
import type { Translate } from '../../i18n/translate.ts';
import { LANGUAGES, isLang } from '../../../lab/lessons/languages.ts';

export type { Translate } from '../../i18n/translate.ts';

export { el, type Child } from '../dom.ts';
import { el } from '../dom.ts';

/** An id unique enough for aria-controls / list / labelledby within a page. */
export const uid = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

/** A panel: a <section> (a region, named by its title) with its heading. */
export function panel(t: Translate, titleKey: string, className: string): { root: HTMLElement; heading: HTMLHeadingElement } {
  const title = t(titleKey);
  const heading = el('h3', { class: 'inspect-title' }, title);
  const root = el('section', { class: `inspect-panel ${className}`, 'aria-label': title }, heading);
  return { root, heading };
}

/** A labelled form control: the label wraps it (its accessible name, no id needed). */
export function labelled<E extends HTMLElement>(text: string, control: E, className = 'inspect-field'): HTMLLabelElement {
  return el('label', { class: className }, el('span', { class: 'inspect-label' }, text), control);
}

/** "Browser A", "Cookie-less browser", "Preview", "Terminal" — or the name as the probe gave it. */
export function browserLabel(t: Translate, browser: string): string {
  if (browser === 'A' || browser === 'B' || browser === 'none') return t(`inspect.browser.${browser}`);
  if (browser === 'preview' || browser === 'terminal') return t(`inspect.browser.${browser}`);
  return browser;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * 14:03:07 (pt, es) or 02:03:07 PM (en). By hand rather than with Intl: the first
 * Intl.DateTimeFormat of a page costs tens of milliseconds of locale data, and the store view
 * shows a time as soon as the server starts — while the page is still loading.
 */
export function clockTime(lang: string, time: number): string {
  const date = new Date(time);
  const hours = date.getHours();
  const rest = `${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  if (!isLang(lang) || !LANGUAGES[lang].hour12) return `${pad(hours)}:${rest}`;
  return `${pad(hours % 12 === 0 ? 12 : hours % 12)}:${rest} ${hours < 12 ? 'AM' : 'PM'}`;
}

// Full dates appear only once a cookie has an expiry; one formatter per language, made then.
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** A date and time in the learner's language. */
export function dateTime(lang: string, time: number): string {
  let format = dateFormats.get(lang);
  if (!format) {
    format = new Intl.DateTimeFormat(isLang(lang) ? LANGUAGES[lang].tag : lang, { dateStyle: 'medium', timeStyle: 'medium' });
    dateFormats.set(lang, format);
  }
  return format.format(new Date(time));
}

/** Runs `fn` later unless disposed first; collects the timers so a panel can clear them all. */
export function createTimers() {
  const timers = new Set<ReturnType<typeof setTimeout>>();
  return {
    after(ms: number, fn: () => void) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        fn();
      }, ms);
      timers.add(timer);
    },
    clear() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
