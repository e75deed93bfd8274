// UI strings in the browser: the page's language only (a step page should not carry the other
// two), and of it only the namespaces the browser's code reads — the pages' own words (outline,
// headings, the teaching plan) are rendered at build time. Looked up by translate.ts, which reads
// them as i18next does at build time.
import type { Lang } from '../../lab/lessons/languages.ts';
import { createTranslate, type Strings, type Translate } from './translate.ts';

/** What the workbench and its panels say (tests/unit/i18n-translate.test.ts holds their t() calls to these). */
export const BROWSER_NAMESPACES = ['workbench', 'run', 'runtime', 'editor', 'inspect', 'fault', 'share'] as const;

// Named imports of the JSON's top-level keys: the bundler leaves the other namespaces out.
const load: Record<Lang, () => Promise<Strings>> = {
  pt: () => import('../../locales/pt.json').then(({ workbench, run, runtime, editor, inspect, fault, share }) => ({ workbench, run, runtime, editor, inspect, fault, share })),
  en: () => import('../../locales/en.json').then(({ workbench, run, runtime, editor, inspect, fault, share }) => ({ workbench, run, runtime, editor, inspect, fault, share })),
  es: () => import('../../locales/es.json').then(({ workbench, run, runtime, editor, inspect, fault, share }) => ({ workbench, run, runtime, editor, inspect, fault, share })),
};

export async function loadT(lang: Lang): Promise<Translate> {
  return remembering(createTranslate(lang, await load[lang]()));
}

/**
 * t, with the strings that take no values remembered: the workbench asks for a few hundred labels
 * while the page loads, and one language is loaded per page, so a key always gives the same words.
 */
function remembering(t: Translate): Translate {
  const plain = new Map<string, string>();
  return (key, values) => {
    if (values !== undefined) return t(key, values);
    let text = plain.get(key);
    if (text === undefined) {
      text = t(key);
      plain.set(key, text);
    }
    return text;
  };
}
