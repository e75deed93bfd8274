// The browser's t() (site/i18n/translate.ts) against i18next as the build uses it (createT): the
// same words for every key of every language, with no values, with the values each string names,
// with counts around every plural boundary, with a value missing, and for a key that is not there.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGS } from '../../lab/lessons/languages.ts';
import { createT } from '../../site/i18n/index.ts';
import { createTranslate, type Strings } from '../../site/i18n/translate.ts';

const root = join(import.meta.dirname, '../..');
const locale = (lang: string): Strings => JSON.parse(readFileSync(join(root, 'locales', `${lang}.json`), 'utf8'));
const flatten = (tree: Strings, prefix = ''): [string, string][] =>
  Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v] as [string, string]] : flatten(v, `${prefix}${k}.`)));
/** A plural key asked for as t('base', { count }). */
const baseKey = (key: string) => key.replace(/_(zero|one|two|few|many|other)$/, '');
const names = (text: string) => [...text.matchAll(/\{\{(.+?)\}\}/g)].map((m) => m[1]!.trim());

describe.each(LANGS)('t() in %s', (lang) => {
  const strings = locale(lang);
  const mine = createTranslate(lang, strings);
  const theirs = createT(lang) as unknown as (key: string, values?: Record<string, unknown>) => string;
  const keys = flatten(strings);

  it('reads every key as i18next does, with and without its values', () => {
    expect(keys.length).toBeGreaterThan(200);
    for (const [key, text] of keys) {
      const asked = baseKey(key);
      const values = Object.fromEntries(names(text).map((name, i) => [name, `v${i}<&>/`]));
      const cases: (Record<string, unknown> | undefined)[] = [undefined, {}, values, { ...values, [names(text)[0] ?? 'x']: undefined }, { ...values, [names(text)[0] ?? 'x']: null }];
      if (asked !== key) for (const count of [0, 1, 2, 5, 21, 1.5, 1_000_000]) cases.push({ ...values, count });
      for (const values of cases) expect(mine(asked, values), `${asked} ${JSON.stringify(values)}`).toBe(theirs(asked, values));
    }
  });

  it('gives back an unknown key as it is, as i18next does', () => {
    for (const key of ['no.such.key', 'inspect.nothing.here', 'workbench.nothing']) expect(mine(key)).toBe(theirs(key));
  });
});

describe('the strings the browser gets', () => {
  it('hold every namespace the browser code names in a t() call (the others are left out of its bundle)', async () => {
    const { readdirSync, statSync } = await import('node:fs');
    const { BROWSER_NAMESPACES } = await import('../../site/i18n/client.ts');
    const sources = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? sources(path) : /\.ts$/.test(name) ? [path] : [];
      });
    const used = new Set<string>();
    for (const file of [...sources(join(root, 'site/workbench')), ...sources(join(root, 'site/runtime'))]) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\bt\(\s*['`]([a-z]+)\./g)) used.add(match[1]!);
    }
    expect(used.size).toBeGreaterThan(4);
    for (const namespace of used) expect(BROWSER_NAMESPACES, namespace).toContain(namespace);
    // Keys made at run time: a runtime failure's key, the boot step names.
    expect(BROWSER_NAMESPACES).toContain('runtime');
  });
});
