// UI strings in the browser: the page's language only (a step page should not carry the other
// two), looked up by translate.ts, which reads them as i18next does at build time.
import type { Lang } from '../../lab/lessons/languages.ts';
import { createTranslate, type Strings, type Translate } from './translate.ts';

const load: Record<Lang, () => Promise<{ default: unknown }>> = {
  pt: () => import('../../locales/pt.json'),
  en: () => import('../../locales/en.json'),
  es: () => import('../../locales/es.json'),
};

export async function loadT(lang: Lang): Promise<Translate> {
  const { default: strings } = await load[lang]();
  return remembering(createTranslate(lang, strings as Strings));
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
