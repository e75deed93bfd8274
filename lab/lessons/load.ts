// Reads the course from `lessons/` into validated, plain data. Astro's content collection, the
// tests and the runner all go through here, so a broken lesson fails with the same message
// everywhere: the lesson's folder, the language and what is wrong.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative, extname, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { LessonMeta, LessonText, type Files } from './schema.ts';
import { LANGS, type Lang } from './languages.ts';

export class LessonFormatError extends Error {
  constructor(where: string, problem: string) {
    super(`${where}: ${problem}`);
    this.name = 'LessonFormatError';
  }
}

export interface StepText {
  id: string;
  title: string;
  /** The step's Markdown, with `<<< file#region` includes already expanded. */
  markdown: string;
}

export interface LanguageText {
  text: LessonText;
  steps: StepText[];
}

export type { Files };

export interface Lesson {
  folder: string;
  order: number;
  meta: LessonMeta;
  /** Starter and solution files as on disk (TODO markers not yet localized); the solution is
   * app/ with solution/'s files laid over it. */
  app: Files;
  solution: Files;
  texts: Record<Lang, LanguageText>;
}

const STEP_HEADING = /^## (.+?)\s+\{#([a-z0-9-]+)\}\s*$/;
const FENCE = /^\s*(```|~~~)/;
const INCLUDE = /^<<<\s+(app|solution)\/(\S+?)(?:#([\w-]+))?\s*$/;
const REGION_LINE = /^\s*\/\/\s*#(?:end)?region\b.*$/;
const TODO_LINE = /^(\s*)\/\/ @todo ([\w.-]+)\s*$/;
const COMMENT_LINE = /^(\s*)\/\/ @comment ([\w.-]+)\s*$/;
const SKIP = new Set(['node_modules', '.DS_Store', 'sessions']);

export function readFiles(root: string): Files {
  const out: Files = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (SKIP.has(name)) continue;
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(root, full).split(sep).join('/')] = readFileSync(full, 'utf8');
    }
  };
  walk(root);
  return out;
}

/**
 * The code a learner sees: region markers gone, `// @todo key` lines as `// TODO: …` and
 * `// @comment key` lines as plain comments, in the learner's language (a message with several
 * lines becomes several comment lines).
 */
export function localizeCode(content: string, messages: Record<string, string>, where: string): string {
  return content
    .split('\n')
    .filter((line) => !REGION_LINE.test(line))
    .map((line) => {
      const marker = TODO_LINE.exec(line) ?? COMMENT_LINE.exec(line);
      if (!marker) return line;
      const [, indent, key] = marker as unknown as [string, string, string];
      const kind = TODO_LINE.test(line) ? '@todo' : '@comment';
      const text = messages[key];
      if (text === undefined) throw new LessonFormatError(where, `no message "${key}" for a // ${kind} in the code`);
      const lines = text.trim().split('\n');
      if (kind === '@todo') lines[0] = `TODO: ${lines[0]}`;
      return lines.map((l) => `${indent}// ${l}`.trimEnd()).join('\n');
    })
    .join('\n');
}

export function localizeFiles(files: Files, messages: Record<string, string>, where: string): Files {
  return Object.fromEntries(
    Object.entries(files).map(([path, content]) => [path, localizeCode(content, messages, `${where} ${path}`)]),
  );
}

function region(content: string, name: string | undefined, where: string): string {
  if (!name) return content;
  const lines = content.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^\\s*//\\s*#region\\s+${name}\\b`).test(l));
  const end = lines.findIndex((l, i) => i > start && /^\s*\/\/\s*#endregion\b/.test(l));
  if (start < 0 || end < 0) throw new LessonFormatError(where, `no region "${name}"`);
  const body = lines.slice(start + 1, end);
  const indent = Math.min(...body.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)![0].length));
  return body.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n');
}

const FENCE_LANG: Record<string, string> = { '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.ts': 'ts', '.json': 'json', '.ejs': 'html', '.html': 'html', '.sh': 'sh' };

export interface LoadOptions {
  /**
   * Where a step's text includes a whole starter file (`<<< app/server.js`), the workbench beside
   * it shows that same file: given this, the copy in the text is folded behind a <details>
   * summary with these words (the site's, in the lesson's language). Absent: shown as it is.
   */
  readonly starterSummary?: (lang: Lang, path: string) => string;
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function splitSteps(body: string, sources: { app: Files; solution: Files }, messages: Record<string, string>, where: string, fold?: (path: string) => string): StepText[] {
  const steps: StepText[] = [];
  let inFence = false;
  const lines = body.split('\n');
  for (const line of lines) {
    if (FENCE.test(line)) inFence = !inFence;
    const heading = !inFence && STEP_HEADING.exec(line);
    if (heading) {
      steps.push({ id: heading[2]!, title: heading[1]!, markdown: '' });
      continue;
    }
    if (!inFence && /^## /.test(line)) throw new LessonFormatError(where, `the heading "${line}" has no step id: write "## Title {#step-id}"`);
    const include = !inFence && INCLUDE.exec(line);
    let out = line;
    if (include) {
      const [, side, path, name] = include as unknown as [string, 'app' | 'solution', string, string | undefined];
      const file = sources[side][path];
      if (file === undefined) throw new LessonFormatError(where, `includes ${side}/${path}, which does not exist`);
      const code = localizeCode(region(file, name, `${where} ${side}/${path}`), messages, where);
      out = '```' + (FENCE_LANG[extname(path)] ?? '') + ` title="${path}"\n${code.replace(/\n+$/, '')}\n` + '```';
      // Blank lines around the fence: Markdown reads it as code inside the HTML block.
      if (fold && side === 'app' && !name) out = `<details class="starter-copy" data-file="${escapeHtml(path)}">\n<summary>${escapeHtml(fold(path))}</summary>\n\n${out}\n\n</details>`;
    }
    const current = steps.at(-1);
    if (!current) {
      if (line.trim()) throw new LessonFormatError(where, 'text before the first step heading ("## Title {#step-id}")');
      continue;
    }
    current.markdown += out + '\n';
  }
  return steps.map((s) => ({ ...s, markdown: s.markdown.trim() + '\n' }));
}

function parseFrontmatter(source: string, where: string): { data: unknown; body: string } {
  const match = /^---\n([\s\S]*?)\n---\n?/.exec(source);
  if (!match) throw new LessonFormatError(where, 'no frontmatter (--- title, summary, messages ---)');
  try {
    return { data: parseYaml(match[1]!), body: source.slice(match[0].length) };
  } catch (e) {
    throw new LessonFormatError(where, `frontmatter is not valid YAML: ${(e as Error).message}`);
  }
}

function issues(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

export function loadLesson(lessonsDir: string, folder: string, options: LoadOptions = {}): Lesson {
  const dir = join(lessonsDir, folder);
  const where = `lessons/${folder}`;
  const named = /^(\d{2})-([a-z0-9-]+)$/.exec(folder);
  if (!named) throw new LessonFormatError(where, 'folder name must be NN-id, e.g. 01-how-sessions-work');

  const metaPath = join(dir, 'lesson.json');
  if (!existsSync(metaPath)) throw new LessonFormatError(where, 'missing lesson.json');
  let rawMeta: unknown;
  try {
    rawMeta = JSON.parse(readFileSync(metaPath, 'utf8'));
  } catch (e) {
    throw new LessonFormatError(`${where}/lesson.json`, `not valid JSON: ${(e as Error).message}`);
  }
  const parsedMeta = LessonMeta.safeParse(rawMeta);
  if (!parsedMeta.success) throw new LessonFormatError(`${where}/lesson.json`, issues(parsedMeta.error));
  const meta = parsedMeta.data;
  if (meta.id !== named[2]) throw new LessonFormatError(`${where}/lesson.json`, `id "${meta.id}" does not match the folder name "${named[2]}"`);
  const stepIds = meta.steps.map((s) => s.id);
  if (new Set(stepIds).size !== stepIds.length) throw new LessonFormatError(`${where}/lesson.json`, 'step ids repeat');

  for (const side of ['app', 'solution'] as const) {
    if (!existsSync(join(dir, side))) throw new LessonFormatError(where, `missing ${side}/`);
  }
  const app = readFiles(join(dir, 'app'));
  // solution/ holds only what the learner changes or adds; every other file is the starter's.
  const solution = { ...app, ...readFiles(join(dir, 'solution')) };
  for (const [side, files] of [['app', app], ['solution', solution]] as const) {
    if (files[meta.entry] === undefined) throw new LessonFormatError(where, `${side}/ has no entry file ${meta.entry}`);
  }
  for (const path of [...meta.open, ...meta.steps.flatMap((s) => s.open ?? [])]) {
    if (app[path] === undefined) throw new LessonFormatError(`${where}/lesson.json`, `opens ${path}, which is not in app/`);
  }

  const texts = {} as Record<Lang, LanguageText>;
  for (const lang of LANGS) {
    const file = join(dir, `${lang}.md`);
    const at = `${where} (${lang})`;
    if (!existsSync(file)) throw new LessonFormatError(at, `missing ${lang}.md`);
    const { data, body } = parseFrontmatter(readFileSync(file, 'utf8'), at);
    const text = LessonText.safeParse(data);
    if (!text.success) throw new LessonFormatError(at, `frontmatter: ${issues(text.error)}`);
    const fold = options.starterSummary ? (path: string) => options.starterSummary!(lang, path) : undefined;
    const steps = splitSteps(body, { app, solution }, text.data.messages, at, fold);
    const found = steps.map((s) => s.id);
    const missing = stepIds.filter((id) => !found.includes(id));
    const extra = found.filter((id) => !stepIds.includes(id));
    if (missing.length) throw new LessonFormatError(at, `missing step(s) ${missing.join(', ')}`);
    if (extra.length) throw new LessonFormatError(at, `unknown step(s) ${extra.join(', ')} (not in lesson.json)`);
    if (found.join() !== stepIds.join()) throw new LessonFormatError(at, `steps are in a different order than lesson.json: ${found.join(', ')}`);
    for (const step of steps) if (!step.markdown.trim()) throw new LessonFormatError(at, `step ${step.id} is empty`);
    texts[lang] = { text: text.data, steps };
  }

  // Every message a lesson refers to must exist in every language.
  const keys = (lang: Lang) => Object.keys(texts[lang].text.messages).sort();
  for (const lang of LANGS) {
    const missing = keys('en').filter((k) => !keys(lang).includes(k));
    const extra = keys(lang).filter((k) => !keys('en').includes(k));
    if (missing.length) throw new LessonFormatError(`${where} (${lang})`, `missing message(s) ${missing.join(', ')}`);
    if (extra.length) throw new LessonFormatError(`${where} (en)`, `missing message(s) ${extra.join(', ')} that ${lang}.md has`);
    for (const check of meta.steps.flatMap((s) => s.checks)) {
      for (const key of [check.message, check.hint]) {
        if (key && texts[lang].text.messages[key] === undefined) throw new LessonFormatError(`${where} (${lang})`, `missing message "${key}" used by check ${check.id}`);
      }
    }
    // Localizing the starter and the solution proves every // @todo and // @comment key exists in this language.
    localizeFiles(app, texts[lang].text.messages, `${where} (${lang}) app`);
    localizeFiles(solution, texts[lang].text.messages, `${where} (${lang}) solution`);
  }

  return { folder, order: Number(named[1]), meta, app, solution, texts };
}

export function loadCourse(lessonsDir: string, options: LoadOptions = {}): Lesson[] {
  const folders = readdirSync(lessonsDir).filter((f) => statSync(join(lessonsDir, f)).isDirectory()).sort();
  const lessons = folders.map((f) => loadLesson(lessonsDir, f, options));
  const ids = lessons.map((l) => l.meta.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new LessonFormatError('lessons/', `two lessons share the id "${dup}"`);
  return lessons;
}
