// The course's languages, in the order the language switcher shows them. Adding a language
// starts here (see README, "Add a language").
export const LANGS = ['pt', 'en', 'es'] as const;
export type Lang = (typeof LANGS)[number];

export const isLang = (value: unknown): value is Lang => typeof value === 'string' && (LANGS as readonly string[]).includes(value);
