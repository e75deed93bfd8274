// UI strings in the browser: the same i18next setup as at build time, with only the page's
// language fetched (a step page should not carry the other two).
import i18next, { type TFunction } from 'i18next';
import type { Lang } from '../../lab/lessons/languages.ts';
import { i18nOptions } from './options.ts';

const load: Record<Lang, () => Promise<{ default: unknown }>> = {
  pt: () => import('../../locales/pt.json'),
  en: () => import('../../locales/en.json'),
  es: () => import('../../locales/es.json'),
};

export async function loadT(lang: Lang): Promise<TFunction> {
  const { default: resources } = await load[lang]();
  const instance = i18next.createInstance();
  await instance.init(i18nOptions(lang, { [lang]: resources }));
  return instance.t;
}
