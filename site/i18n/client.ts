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
  return remembering(instance.t);
}

/**
 * i18next's t, with the strings that take no values remembered: the workbench asks for a few
 * hundred labels while the page loads, and one language is loaded per page, so a key always
 * gives the same words.
 */
function remembering(t: TFunction): TFunction {
  const plain = new Map<string, string>();
  const lookup = (key: unknown, ...rest: unknown[]) => {
    if (rest.length > 0 || typeof key !== 'string') return (t as unknown as (...args: unknown[]) => unknown)(key, ...rest);
    let text = plain.get(key);
    if (text === undefined) {
      text = t(key) as string;
      plain.set(key, text);
    }
    return text;
  };
  return Object.assign(lookup, t) as unknown as TFunction;
}
