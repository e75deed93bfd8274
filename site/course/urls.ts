// The course's URL scheme, in one place: <base>{lang}/ · <base>{lang}/{lesson}/{step}/ ·
// <base>{lang}/teach/ · <base>{lang}/self-check/ · <base>{lang}/404/. `<base>` is '/' or the path the course is hosted under
// (BASE_PATH at build time, see base-path.ts): every link, asset and fetch of the site follows it.
import { LANGS, type Lang } from '../../lab/lessons/languages.ts';

declare const __SESSION_LAB_BASE__: string | undefined;

/** The site's base path ('/' or '/x/'), set by astro.config.mjs; '/' where nothing sets it (unit tests). */
export const BASE = typeof __SESSION_LAB_BASE__ === 'string' ? __SESSION_LAB_BASE__ : '/';

/** A path of the site (`'coi-sw.js'`, `'/en/'`) under the base. */
export const siteUrl = (path: string) => `${BASE}${path.replace(/^\/+/, '')}`;

export const outlineUrl = (lang: Lang) => siteUrl(`${lang}/`);
export const stepUrl = (lang: Lang, lesson: string, step: string) => siteUrl(`${lang}/${lesson}/${step}/`);
export const teachUrl = (lang: Lang) => siteUrl(`${lang}/teach/`);
export const selfCheckUrl = (lang: Lang) => siteUrl(`${lang}/self-check/`);
export const notFoundUrl = (lang: Lang) => siteUrl(`${lang}/404/`);

/** One page's address in every language (its `<link rel="alternate">`s, the language switcher). */
export const inEveryLanguage = (url: (lang: Lang) => string): Record<Lang, string> =>
  Object.fromEntries(LANGS.map((lang) => [lang, url(lang)])) as Record<Lang, string>;
