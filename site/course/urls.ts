// The course's URL scheme, in one place: /{lang}/ · /{lang}/{lesson}/{step}/
import type { Lang } from '../i18n/index.ts';

export const outlineUrl = (lang: Lang) => `/${lang}/`;
export const stepUrl = (lang: Lang, lesson: string, step: string) => `/${lang}/${lesson}/${step}/`;
