// The i18next options both sides use (Astro at build time, the workbench in the browser), so a
// string behaves the same wherever it is rendered.
import type { InitOptions } from 'i18next';
import type { Lang } from '../../lab/lessons/languages.ts';

export function i18nOptions(lang: Lang, resources: Partial<Record<Lang, unknown>>): InitOptions {
  return {
    lng: lang,
    fallbackLng: false,
    resources: Object.fromEntries(Object.entries(resources).map(([l, r]) => [l, { translation: r as Record<string, unknown> }])),
    initAsync: false,
    interpolation: { escapeValue: false },
  };
}
