// UI strings: i18next over locales/{lang}.json. The same module serves Astro at build time and
// the workbench in the browser, so a string exists once per language.
import i18next, { type TFunction } from 'i18next';
import pt from '../../locales/pt.json';
import en from '../../locales/en.json';
import es from '../../locales/es.json';
import { LANGS, type Lang } from '../../lab/lessons/languages.ts';

export { LANGS, isLang, type Lang } from '../../lab/lessons/languages.ts';

export const resources = { pt, en, es } satisfies Record<Lang, unknown>;

/** BCP 47 tags for `<html lang>` and `hreflang`. */
export const htmlLang: Record<Lang, string> = { pt: 'pt-BR', en: 'en', es: 'es' };

export function createT(lang: Lang): TFunction {
  const instance = i18next.createInstance();
  void instance.init({
    lng: lang,
    fallbackLng: false,
    resources: Object.fromEntries(LANGS.map((l) => [l, { translation: resources[l] }])),
    initAsync: false,
    returnNull: false,
    interpolation: { escapeValue: false },
    // A missing key must be loud in tests, not quietly shown as its own name.
    saveMissing: false,
  });
  return instance.t;
}
