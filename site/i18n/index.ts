// UI strings at build time: i18next over locales/{lang}.json (the browser uses client.ts, which
// fetches only the page's language; both share options.ts), so a string exists once per language.
import i18next, { type TFunction } from 'i18next';
import pt from '../../locales/pt.json';
import en from '../../locales/en.json';
import es from '../../locales/es.json';
import type { Lang } from '../../lab/lessons/languages.ts';
import { i18nOptions } from './options.ts';

import { LANGS, LANGUAGES } from '../../lab/lessons/languages.ts';

export { LANGS, isLang, type Lang } from '../../lab/lessons/languages.ts';

export const resources = { pt, en, es } satisfies Record<Lang, unknown>;

/** BCP 47 tags for `<html lang>` and `hreflang`. */
export const htmlLang = Object.fromEntries(LANGS.map((lang) => [lang, LANGUAGES[lang].tag])) as Record<Lang, string>;

export function createT(lang: Lang): TFunction {
  const instance = i18next.createInstance();
  void instance.init(i18nOptions(lang, resources));
  return instance.t;
}
