// The browser's t(): the few things i18next does for our strings, and nothing else — a step page
// should not carry i18next's 48 KB (15 KB gzipped) to look up a label. It mirrors i18next's rules
// as configured in options.ts (read in node_modules/i18next/dist/esm/i18next.js, Translator's
// resolve and Interpolator's interpolate), so a string reads the same at build time (i18next) and
// in the browser (this); tests/unit/i18n-translate.test.ts compares the two on every key:
//   - keys are dotted paths into the language's JSON; a key that is not there comes back as is;
//   - with a numeric `count`: `key_zero` (count 0), then `key_<plural category>` (Intl.PluralRules
//     of the language), then `key` — no other fallback;
//   - `{{name}}` takes values[name] as a string (null/undefined: empty when the value was passed);
//     a name that was not passed stays `{{name}}`; nothing is escaped (escapeValue: false).

export interface Strings {
  readonly [key: string]: string | Strings;
}

export type Translate = (key: string, values?: Readonly<Record<string, unknown>>) => string;

const VARIABLE = /\{\{(.+?)\}\}/g;

function interpolate(text: string, values: Readonly<Record<string, unknown>>): string {
  return text.replace(VARIABLE, (whole, name: string) => {
    const key = name.trim();
    if (!Object.hasOwn(values, key)) return whole;
    const value = values[key];
    return value === null || value === undefined ? '' : String(value);
  });
}

export function createTranslate(lang: string, strings: Strings): Translate {
  let rules: Intl.PluralRules | undefined;
  const lookup = (key: string): string | undefined => {
    let node: string | Strings | undefined = strings;
    for (const part of key.split('.')) {
      if (typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
      node = node[part];
    }
    return typeof node === 'string' ? node : undefined;
  };
  return (key, values) => {
    const count = values?.count;
    let text: string | undefined;
    if (count !== undefined && typeof count !== 'string') {
      if (count === 0) text = lookup(`${key}_zero`);
      // Made on the first count only: most labels take none.
      rules ??= new Intl.PluralRules(lang);
      text ??= lookup(`${key}_${rules.select(count as number)}`);
    }
    text ??= lookup(key);
    if (text === undefined) return key;
    return interpolate(text, values ?? {});
  };
}
