// The workbench's strings in locales/*.json: the same {{values}} in every language; every key
// the run panels use exists, with the runtime layer's error keys and boot steps.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGS } from '../../lab/lessons/languages.ts';
import { RUNTIME_PREFERENCES } from '../../site/runtime/choose.ts';
import { BOOT_STEPS, ERROR_VALUES, RUNTIME_ERROR_KEYS } from '../../site/runtime/types.ts';
import { createT } from '../../site/i18n/index.ts';
import { errorText } from '../../site/workbench/session/session-text.ts';

const root = join(import.meta.dirname, '../..');
type Tree = { [key: string]: string | Tree };
const locale = (lang: string): Tree => JSON.parse(readFileSync(join(root, 'locales', `${lang}.json`), 'utf8'));
const flatten = (tree: Tree, prefix = ''): Map<string, string> =>
  new Map(Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v] as const] : [...flatten(v, `${prefix}${k}.`)])));
const variables = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

const strings = Object.fromEntries(LANGS.map((lang) => [lang, flatten(locale(lang))])) as Record<string, Map<string, string>>;
const en = strings.en!;

describe('workbench strings', () => {
  for (const lang of LANGS) {
    it(`${lang}: the same {{values}} as en in every string`, () => {
      const mine = strings[lang]!;
      for (const [key, text] of mine) {
        if (!en.has(key)) continue; // a missing key is the completeness test's to report
        expect(text.trim(), `${lang}: ${key} is empty`).not.toBe('');
        expect(variables(text), `${lang}: ${key}`).toEqual(variables(en.get(key)!));
      }
    });
  }

  it('has every runtime error key, the read-only reason and the boot steps', () => {
    for (const key of [...RUNTIME_ERROR_KEYS, 'runtime.reason.readonlyChosen', ...BOOT_STEPS.map((s) => `runtime.step.${s}`)]) {
      expect(en.has(key), key).toBe(true);
    }
  });

  for (const lang of LANGS) {
    it(`${lang}: every runtime error message names exactly its values, and renders them all`, () => {
      const t = createT(lang);
      for (const key of RUNTIME_ERROR_KEYS) {
        const names = ERROR_VALUES[key];
        expect(variables(strings[lang]!.get(key)!), `${lang}: ${key}`).toEqual([...names].sort());
        const detail = Object.fromEntries(names.map((name, i) => [name, name === 'path' ? 'server.js' : 40 + i]));
        const text = errorText(t, { key, detail });
        for (const value of Object.values(detail)) expect(text, `${lang}: ${key}`).toContain(String(value));
        // Nothing left of a placeholder: no braces, no gap where a value should be.
        expect(text, `${lang}: ${key}`).not.toMatch(/\{\{|\}\}|\s{2,}|\(\s+\)/);
      }
    });
  }

  it('has every key the run panels use, literal or built from a known set', () => {
    const dir = join(root, 'site/workbench/run');
    const used = new Set<string>();
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      const source = readFileSync(join(dir, name), 'utf8');
      for (const match of source.matchAll(/'((?:run|runtime|fault)\.[a-zA-Z0-9_.]+)'/g)) used.add(match[1]!);
    }
    const built = [
      ...['idle', 'booting', 'starting', 'running', 'busy', 'stopped', 'crashed', 'failed', 'readonly', 'suspended'].map((p) => `run.phase.${p}`),
      ...['pending', 'active', 'done', 'failed'].map((s) => `run.boot.stepStatus.${s}`),
      ...RUNTIME_PREFERENCES.map((p) => `run.preference.${p}`),
      ...['local', 'webcontainer', 'none'].map((k) => `run.runtime.${k}`),
    ];
    const missing = [...used, ...built].filter((key) => !en.has(key));
    expect(missing).toEqual([]);
    expect(used.size).toBeGreaterThan(50);
  });
});
