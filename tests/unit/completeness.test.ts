// Every language complete: UI keys, lessons and steps. A missing piece fails here with its name.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGS } from '../../lab/lessons/languages.ts';
import { loadCourse } from '../../lab/lessons/load.ts';

const root = join(import.meta.dirname, '../..');
type Tree = { [key: string]: string | Tree };
const locale = (lang: string): Tree => JSON.parse(readFileSync(join(root, 'locales', `${lang}.json`), 'utf8'));
const keysOf = (tree: Tree, prefix = ''): string[] =>
  Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keysOf(v, `${prefix}${k}.`)));
const valueAt = (tree: Tree, key: string) => key.split('.').reduce<string | Tree | undefined>((t, k) => (typeof t === 'object' ? t[k] : undefined), tree);

describe('UI strings', () => {
  const all = new Set(LANGS.flatMap((l) => keysOf(locale(l))));
  for (const lang of LANGS) {
    it(`locales/${lang}.json has every key, none empty`, () => {
      const mine = new Set(keysOf(locale(lang)));
      const missing = [...all].filter((k) => !mine.has(k));
      expect(missing, `locales/${lang}.json is missing: ${missing.join(', ')}`).toEqual([]);
      const empty = [...mine].filter((k) => !String(valueAt(locale(lang), k)).trim());
      expect(empty, `locales/${lang}.json has empty strings: ${empty.join(', ')}`).toEqual([]);
    });
  }

  it('every key the site uses exists (t("…") calls in site/)', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (/\.(astro|ts)$/.test(name)) files.push(full);
      }
    };
    walk(join(root, 'site'));
    const used = new Set<string>();
    for (const file of files) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g)) used.add(match[1]!);
    }
    expect(used.size).toBeGreaterThan(10);
    const en = locale('en');
    // A key built at run time ('language.names.' + lang) must name a group of keys.
    const exists = (k: string) => (k.endsWith('.') ? typeof valueAt(en, k.slice(0, -1)) === 'object' : valueAt(en, k) !== undefined || valueAt(en, `${k}_other`) !== undefined);
    const unknown = [...used].filter((k) => !exists(k));
    expect(unknown, `keys used in site/ but not in locales/en.json: ${unknown.join(', ')}`).toEqual([]);
  });
});

describe('lessons', () => {
  it('every lesson loads in every language with the same steps', () => {
    // loadCourse throws naming the lesson, the language and what is missing.
    const lessons = loadCourse(join(root, 'lessons'));
    expect(lessons.length).toBeGreaterThan(0);
    for (const lesson of lessons) {
      const ids = lesson.meta.steps.map((s) => s.id);
      for (const lang of LANGS) expect(lesson.texts[lang].steps.map((s) => s.id), `${lesson.folder} (${lang})`).toEqual(ids);
    }
  });
});
