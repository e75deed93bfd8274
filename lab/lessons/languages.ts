// The course's languages: the one place a language is declared (README, "Add a language"). What
// else a language needs — its locales/{code}.json, each lesson's {code}.md, its strings loader in
// site/i18n/client.ts — is a `Record<Lang, …>` or a test over LANGS, so `npm run check` or
// `npm test` names each place a new code is missing from.

/** Per language: its BCP 47 tag (`<html lang>`, `hreflang`, dates), whether its clock reads
 * 12-hour, and the words that open a "common mistake" callout in its lessons' markdown. */
export const LANGUAGES = {
  pt: { tag: 'pt-BR', hour12: false, mistakeLabel: 'Erro comum' },
  en: { tag: 'en', hour12: true, mistakeLabel: 'Common mistake' },
  es: { tag: 'es', hour12: false, mistakeLabel: 'Error común' },
} as const satisfies Record<string, { tag: string; hour12: boolean; mistakeLabel: string }>;

export type Lang = keyof typeof LANGUAGES;
/** In the order the language switcher shows them. */
export const LANGS = Object.keys(LANGUAGES) as readonly Lang[] as readonly [Lang, ...Lang[]];

export const isLang = (value: unknown): value is Lang => typeof value === 'string' && Object.hasOwn(LANGUAGES, value);
