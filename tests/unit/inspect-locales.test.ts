// The inspector's strings: the same keys and {{values}} in pt, en and es, none empty, and every key
// the inspector uses (literal, or built from a known set) present.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGS } from '../../lab/lessons/languages.ts';
import { BROWSERS, REQUEST_FAILURE_KEYS } from '../../lab/protocol/requests.ts';
import { LABELLED_FIELDS } from '../../site/workbench/inspect/checks-format.ts';

const root = join(import.meta.dirname, '../..');
type Tree = { [key: string]: string | Tree };
const load = (lang: string): Tree => JSON.parse(readFileSync(join(root, 'locales', `${lang}.json`), 'utf8'));
const flatten = (tree: Tree, prefix = ''): Map<string, string> =>
  new Map(Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v] as const] : [...flatten(v, `${prefix}${k}.`)])));
const variables = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
const inspectOnly = (map: Map<string, string>) => new Map([...map].filter(([key]) => key.startsWith('inspect.')));

const strings = Object.fromEntries(LANGS.map((lang) => [lang, inspectOnly(flatten(load(lang)))])) as Record<string, Map<string, string>>;
const en = strings.en!;

describe('inspector strings', () => {
  for (const lang of LANGS) {
    it(`${lang}: the same keys and {{values}} as en, none empty`, () => {
      const mine = strings[lang]!;
      expect([...mine.keys()].sort()).toEqual([...en.keys()].sort());
      for (const [key, text] of mine) {
        expect(text.trim(), `${lang}: ${key}`).not.toBe('');
        expect(variables(text), `${lang}: ${key}`).toEqual(variables(en.get(key)!));
      }
    });
  }

  it('has every key the inspector uses', () => {
    const dir = join(root, 'site/workbench/inspect');
    const used = new Set<string>();
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      for (const match of readFileSync(join(dir, name), 'utf8').matchAll(/'(inspect\.[a-zA-Z0-9_.]+)'/g)) used.add(match[1]!);
    }
    const built = [
      ...[...BROWSERS, 'preview', 'terminal'].map((b) => `inspect.browser.${b}`),
      ...REQUEST_FAILURE_KEYS.map((k) => `inspect.request.failure.${k}`),
      ...['valid', 'invalid', 'unknown', 'pending'].map((k) => `inspect.cookie.explain.${k}`),
      ...['lax', 'strict', 'none', 'unset'].map((k) => `inspect.cookie.explain.sameSite.${k}`),
      ...['change', 'announce'].flatMap((g) => ['added', 'changed', 'destroyed'].map((k) => `inspect.store.${g}.${k}`)),
      ...Object.keys(LABELLED_FIELDS).map((f) => `inspect.checks.field.${f}`),
    ];
    const has = (key: string) => en.has(key) || en.has(`${key}_other`);
    expect([...used, ...built].filter((key) => !has(key))).toEqual([]);
    expect(used.size).toBeGreaterThan(100);
  });

  it('names the views with the course\'s workbench terms', () => {
    const terms: Record<string, Record<string, string>> = {
      en: { 'inspect.request.title': 'Request panel', 'inspect.cookie.title': 'Cookie view', 'inspect.store.title': 'Store view', 'inspect.timeline.title': 'Timeline', 'inspect.checks.run': 'Check my work', 'inspect.browser.A': 'Browser A', 'inspect.browser.B': 'Browser B' },
      pt: { 'inspect.request.title': 'Painel de requisições', 'inspect.cookie.title': 'Painel do cookie', 'inspect.store.title': 'Painel do store', 'inspect.timeline.title': 'Linha do tempo', 'inspect.checks.run': 'Verificar', 'inspect.browser.A': 'Navegador A', 'inspect.browser.B': 'Navegador B' },
      es: { 'inspect.request.title': 'Panel de solicitudes', 'inspect.cookie.title': 'Panel de la cookie', 'inspect.store.title': 'Panel del store', 'inspect.timeline.title': 'Línea de tiempo', 'inspect.checks.run': 'Verificar', 'inspect.browser.A': 'Navegador A', 'inspect.browser.B': 'Navegador B' },
    };
    for (const [lang, expected] of Object.entries(terms)) {
      for (const [key, text] of Object.entries(expected)) expect(strings[lang]!.get(key), `${lang}: ${key}`).toBe(text);
      expect(strings[lang]!.get('inspect.browser.none')!.toLowerCase()).toBe({ en: 'cookie-less browser', pt: 'navegador sem cookies', es: 'navegador sin cookies' }[lang]);
    }
  });
});
