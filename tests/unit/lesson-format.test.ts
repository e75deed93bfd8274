import { cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCourse, localizeCode } from '../../lab/lessons/load.ts';

const fixture = join(import.meta.dirname, '../fixtures/lessons');
let dir: string;
const lesson = () => join(dir, '01-sample');
const edit = (file: string, change: (text: string) => string) => writeFileSync(join(lesson(), file), change(readFileSync(join(lesson(), file), 'utf8')));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lessons-'));
  cpSync(fixture, dir, { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the lesson format', () => {
  it('loads a well-formed lesson with its steps in every language', () => {
    const [sample] = loadCourse(dir);
    expect(sample!.meta.id).toBe('sample');
    expect(sample!.order).toBe(1);
    for (const lang of ['pt', 'en', 'es'] as const) {
      expect(sample!.texts[lang].steps.map((s) => s.id)).toEqual(['first', 'second']);
      expect(sample!.texts[lang].steps[0]!.title).toBe(`First step (${lang})`);
    }
  });

  it('expands <<< includes from the app files, region only, TODO in the language', () => {
    const [sample] = loadCourse(dir);
    const md = sample!.texts.pt.steps[1]!.markdown;
    expect(md).toContain("app.get('/', (req, res) => {");
    expect(md).toContain('// TODO: Make it say hi (pt).');
    expect(md).not.toContain('#region');
    expect(md).not.toContain('app.listen');
  });

  it('takes the files solution/ does not have from app/, and solution/ wins where both have one', () => {
    writeFileSync(join(lesson(), 'app', 'helper.js'), 'module.exports = 1;\n');
    writeFileSync(join(lesson(), 'solution', 'extra.js'), 'module.exports = 2;\n');
    const [sample] = loadCourse(dir);
    expect(sample!.solution['helper.js']).toBe('module.exports = 1;\n');
    expect(sample!.solution['extra.js']).toBe('module.exports = 2;\n');
    expect(sample!.app['extra.js']).toBeUndefined();
    expect(sample!.solution['server.js']).toBe(readFileSync(join(lesson(), 'solution', 'server.js'), 'utf8'));
  });

  it('does not take a ## line inside a code fence for a step', () => {
    const [sample] = loadCourse(dir);
    expect(sample!.texts.en.steps[0]!.markdown).toContain('## not a heading inside a fence');
  });

  it('fails naming the lesson and the language when a language file is missing', () => {
    unlinkSync(join(lesson(), 'es.md'));
    expect(() => loadCourse(dir)).toThrow('lessons/01-sample (es): missing es.md');
  });

  it('fails naming the missing step when a language lacks one', () => {
    edit('es.md', (t) => t.replace(/## Second step \(es\) \{#second\}[\s\S]*/, ''));
    expect(() => loadCourse(dir)).toThrow('lessons/01-sample (es): missing step(s) second');
  });

  it('fails on a step id that lesson.json does not know', () => {
    edit('pt.md', (t) => t.replace('{#second}', '{#segundo}'));
    expect(() => loadCourse(dir)).toThrow(/lessons\/01-sample \(pt\): missing step\(s\) second/);
  });

  it('fails on bad metadata, naming the field', () => {
    edit('lesson.json', (t) => t.replace('"id": "sample"', '"id": "Not A Slug"'));
    expect(() => loadCourse(dir)).toThrow(/lessons\/01-sample\/lesson.json: id: /);
  });

  it('fails when a check refers to a message a language lacks', () => {
    edit('es.md', (t) => t.replace(/  saysHi: .*\n/, ''));
    expect(() => loadCourse(dir)).toThrow(/lessons\/01-sample \(es\): missing message\(s\) saysHi/);
  });

  it('fails when the starter has a // @todo with no text', () => {
    for (const l of ['en', 'pt', 'es']) edit(`${l}.md`, (t) => t.replace(/  sayHi: .*\n/, '').replace(',"hint": "sayHi"', ''));
    edit('lesson.json', (t) => t.replace(', "hint": "sayHi"', ''));
    expect(() => loadCourse(dir)).toThrow(/no message "sayHi" for a \/\/ @todo/);
  });

  it('fails when an include names a file that does not exist', () => {
    edit('en.md', (t) => t.replace('<<< app/server.js#route', '<<< app/nope.js'));
    expect(() => loadCourse(dir)).toThrow('lessons/01-sample (en): includes app/nope.js, which does not exist');
  });
});

describe('localizeCode', () => {
  it('keeps indentation and drops region markers', () => {
    const code = 'a\n  // #region x\n  // @todo k\n  // #endregion\nb';
    expect(localizeCode(code, { k: 'fazer algo' }, 'here')).toBe('a\n  // TODO: fazer algo\nb');
  });

  it('turns // @comment into a plain comment in the language, one comment line per text line', () => {
    const code = '// @comment head\nconst a = 1;\n  // @comment why\n';
    const messages = { head: 'O relatório do GET /.\nVocê não precisa mudar este arquivo.', why: 'o package.json do app' };
    expect(localizeCode(code, messages, 'here')).toBe(
      '// O relatório do GET /.\n// Você não precisa mudar este arquivo.\nconst a = 1;\n  // o package.json do app\n',
    );
    expect(() => localizeCode('// @comment gone', {}, 'here')).toThrow(/no message "gone" for a \/\/ @comment/);
  });
});
