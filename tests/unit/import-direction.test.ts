// The direction of the imports, checked on every import specifier under site/ and lab/: the
// workbench's panels → its session → site/runtime → lab/protocol, and lab/inside (which runs inside
// a runtime, where nothing else of this repository exists) on its own. The folders say the
// architecture; this test keeps them saying it. Specifiers come from TypeScript's own parser
// (static, dynamic, `require`, `import('…')` types, and the JSDoc `import('…')`/`@import` of the
// lab/inside scripts), so a comment or a string that merely looks like an import never counts.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

interface Import {
  /** The importing file, relative to the repository (with `/`). */
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
  /** The imported file, relative to the repository; null for a package (`express`, `node:fs`). */
  readonly target: string | null;
  /** Erased before anything runs: `import type`, `import('…')` in a type, JSDoc. */
  readonly typeOnly: boolean;
}

const PANELS = ['run', 'editor', 'inspect', 'share', 'layout'] as const;

/** The layer a repository path belongs to (the rules below speak of these). */
function layerOf(path: string): string {
  const panel = PANELS.find((name) => path.startsWith(`site/workbench/${name}/`));
  if (panel) return `panel:${panel}`;
  if (path.startsWith('site/workbench/session/')) return 'session';
  // workbench.ts and its wiring/ are where panels meet: the one place allowed to import them all.
  if (path === 'site/workbench/workbench.ts' || path.startsWith('site/workbench/wiring/')) return 'composition';
  if (/^site\/workbench\/[^/]+$/.test(path)) return 'workbench-shared';
  if (path.startsWith('site/runtime/')) return 'runtime';
  if (path.startsWith('lab/protocol/')) return 'protocol';
  if (path.startsWith('lab/inside/')) return 'inside';
  return 'other';
}

// ─── reading specifiers ───────────────────────────────────────────────────────────────────────

interface Chunk {
  readonly text: string;
  /** Lines before the chunk in its file (an .astro file's frontmatter and scripts). */
  readonly lineOffset: number;
  readonly kind: ts.ScriptKind;
}

/** The script parts of a file: the whole of a .ts/.mjs/.cjs; an .astro file's frontmatter and <script>s. */
function chunksOf(path: string, text: string): Chunk[] {
  if (path.endsWith('.mjs') || path.endsWith('.cjs')) return [{ text, lineOffset: 0, kind: ts.ScriptKind.JS }];
  if (!path.endsWith('.astro')) return [{ text, lineOffset: 0, kind: ts.ScriptKind.TS }];
  const linesBefore = (index: number) => text.slice(0, index).split('\n').length - 1;
  const chunks: Chunk[] = [];
  const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  if (front?.[1] !== undefined) chunks.push({ text: front[1], lineOffset: 1, kind: ts.ScriptKind.TS });
  for (const script of text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
    const body = script[1] ?? '';
    const start = (script.index ?? 0) + script[0].indexOf(body);
    chunks.push({ text: body, lineOffset: linesBefore(start), kind: ts.ScriptKind.TS });
  }
  return chunks;
}

const literalOf = (node: ts.Node | undefined): string | null => (node && ts.isStringLiteralLike(node) ? node.text : null);

/** The specifier a node imports, if it is an import of any kind. */
function specifierOf(node: ts.Node): { specifier: string; typeOnly: boolean } | null {
  if (ts.isImportDeclaration(node)) {
    const specifier = literalOf(node.moduleSpecifier);
    return specifier === null ? null : { specifier, typeOnly: node.importClause?.isTypeOnly === true };
  }
  if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
    const specifier = literalOf(node.moduleSpecifier);
    return specifier === null ? null : { specifier, typeOnly: node.isTypeOnly };
  }
  if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
    const specifier = literalOf(node.argument.literal);
    return specifier === null ? null : { specifier, typeOnly: true };
  }
  if (ts.isJSDocImportTag(node)) {
    const specifier = literalOf(node.moduleSpecifier);
    return specifier === null ? null : { specifier, typeOnly: true };
  }
  if (ts.isCallExpression(node)) {
    const dynamic = node.expression.kind === ts.SyntaxKind.ImportKeyword;
    const required = ts.isIdentifier(node.expression) && node.expression.text === 'require';
    const specifier = dynamic || required ? literalOf(node.arguments[0]) : null;
    return specifier === null ? null : { specifier, typeOnly: false };
  }
  return null;
}

/** Every import of a file, JSDoc ones included (TypeScript hangs JSDoc on the node it precedes). */
function importsOf(path: string, text: string): Import[] {
  const found: Import[] = [];
  for (const chunk of chunksOf(path, text)) {
    const source = ts.createSourceFile(path, chunk.text, ts.ScriptTarget.Latest, true, chunk.kind);
    const visit = (node: ts.Node): void => {
      const hit = specifierOf(node);
      if (hit) {
        const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 + chunk.lineOffset;
        found.push({ file: path, line, ...hit, target: targetOf(path, hit.specifier) });
      }
      for (const doc of (node as { jsDoc?: ts.Node[] }).jsDoc ?? []) visit(doc);
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

/** A relative specifier as a repository path (its `?raw`-style query dropped); null for packages. */
function targetOf(file: string, specifier: string): string | null {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return null;
  const bare = specifier.split('?')[0] ?? specifier;
  return relative(root, resolve(root, dirname(file), bare)).split(sep).join('/');
}

// ─── the rules ────────────────────────────────────────────────────────────────────────────────

/** What is wrong with one import, or null. Each message names the rule it breaks. */
function violationOf(entry: Import): string | null {
  if (entry.target === null) return null;
  const from = layerOf(entry.file);
  const to = layerOf(entry.target);
  const where = `${entry.file}:${entry.line} imports '${entry.specifier}'`;
  if (from.startsWith('panel:') && to.startsWith('panel:') && from !== to) {
    return `${where}: a panel imports another panel (${from.slice(6)} → ${to.slice(6)}); move what they share into site/workbench/session/ or a module both may import`;
  }
  if (from.startsWith('panel:') && to === 'composition') {
    return `${where}: a panel imports the workbench's wiring (it is given what it needs instead)`;
  }
  if (from === 'session' && (to.startsWith('panel:') || to === 'composition')) {
    return `${where}: the session imports a panel (panels → session → runtime → protocol)`;
  }
  if (from === 'workbench-shared' && (to.startsWith('panel:') || to === 'composition')) {
    return `${where}: a module the panels share imports a panel (only workbench.ts and wiring/ put panels together)`;
  }
  if (from === 'runtime' && entry.target.startsWith('site/workbench/')) {
    return `${where}: site/runtime imports the workbench (panels → session → runtime → protocol)`;
  }
  if (from === 'protocol' && (entry.target.startsWith('site/') || entry.target.startsWith('lab/runner/'))) {
    return `${where}: lab/protocol imports site/ or lab/runner (the protocol depends on neither side)`;
  }
  if (from === 'inside' && to !== 'inside' && !(entry.typeOnly && to === 'protocol')) {
    return `${where}: lab/inside imports something outside itself (only type-only JSDoc imports of lab/protocol are allowed: nothing else exists inside a runtime)`;
  }
  return null;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|mjs|cjs|astro)$/.test(entry.name) ? [path] : [];
  });
}

// ─── the tests ────────────────────────────────────────────────────────────────────────────────

describe('import direction', () => {
  const imports = ['site', 'lab'].flatMap(sourceFiles).flatMap((file) => importsOf(file, readFileSync(join(root, file), 'utf8')));

  it('reads the imports (a parser that finds nothing would pass every rule)', () => {
    const has = (file: string, target: string) => imports.some((entry) => entry.file === file && entry.target === target);
    expect(has('site/workbench/workbench.ts', 'site/workbench/session/session.ts')).toBe(true); // static
    expect(has('site/workbench/wiring/output-tabs.ts', 'site/workbench/run/preview-panel.ts')).toBe(true); // dynamic
    expect(has('site/components/ProgressMarks.astro', 'site/components/progress.ts')).toBe(true); // an .astro <script>
    expect(has('lab/inside/busy.mjs', 'lab/inside/procfs.cjs')).toBe(true); // require and JSDoc
    expect(imports.filter((entry) => entry.target?.startsWith('site/workbench/session/')).length).toBeGreaterThan(20);
  });

  it('panels → session → runtime → protocol; lab/inside on its own', () => {
    const broken = imports.map(violationOf).filter((message) => message !== null);
    expect(broken, broken.join('\n')).toEqual([]);
  });

  it('the rules catch what they are for', () => {
    const check = (file: string, text: string) => importsOf(file, text).map(violationOf).filter((message) => message !== null);
    expect(check('site/workbench/inspect/x.ts', "import { a } from '../run/preview-panel.ts';")).toEqual([
      "site/workbench/inspect/x.ts:1 imports '../run/preview-panel.ts': a panel imports another panel (inspect → run); move what they share into site/workbench/session/ or a module both may import",
    ]);
    expect(check('site/workbench/run/x.ts', "const m = () => import('../editor/diff.ts');")).toHaveLength(1);
    expect(check('site/workbench/run/x.ts', "import type { LessonSession } from '../session/session-types.ts';")).toEqual([]);
    expect(check('site/workbench/session/x.ts', "import type { X } from '../inspect/state.ts';")).toHaveLength(1);
    expect(check('site/workbench/session/x.ts', "import { startWorkbench } from '../workbench.ts';")).toHaveLength(1);
    expect(check('site/workbench/editor/x.ts', "import type { Edits } from '../wiring/edits.ts';")).toHaveLength(1);
    expect(check('site/workbench/wiring/x.ts', "import { mountTerminal } from '../run/terminal-panel.ts';")).toEqual([]);
    expect(check('site/workbench/dom.ts', "import { x } from './layout/split.ts';")).toHaveLength(1);
    expect(check('site/runtime/x.ts', "import { y } from '../workbench/session/session.ts';")).toHaveLength(1);
    expect(check('lab/protocol/x.ts', "import type { Runtime } from '../../site/runtime/types.ts';")).toHaveLength(1);
    expect(check('lab/protocol/x.ts', "import type { R } from '../runner/index.ts';")).toHaveLength(1);
    expect(check('lab/inside/x.mjs', "/** @typedef {import('../protocol/host.ts').Frame} Frame */\nexport const a = 1;")).toEqual([]);
    expect(check('lab/inside/x.mjs', "/** @import { Frame } from '../protocol/host.ts' */\nexport const a = 1;")).toEqual([]);
    expect(check('lab/inside/x.mjs', "import { FRAME } from '../protocol/frames.ts';")).toHaveLength(1);
    expect(check('lab/inside/x.cjs', "const s = require('../lessons/schema.ts');")).toHaveLength(1);
    expect(check('lab/inside/x.mjs', "/** @type {import('../../site/runtime/types.ts').Runtime} */\nlet r;")).toHaveLength(1);
    // A comment that mentions a path is not an import.
    expect(check('site/workbench/run/x.ts', "// see ../inspect/state.ts: import('../inspect/state.ts')\nexport {};")).toEqual([]);
  });
});
