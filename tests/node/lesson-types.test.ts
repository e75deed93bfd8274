// Lesson 9 says two things about types that only a compiler can confirm: its session.d.ts types
// req.session.user for a TypeScript project, and the JSDoc at the top of its server.js gives the
// editor a typed req.session.user. Both are compiled here with the TypeScript of node_modules
// and the real @types/express and @types/express-session. For the editor, the compiler options
// are the JavaScript ones Monaco gets (site/workbench/editor/types-lib.ts); Monaco bundles its own
// TypeScript, so this proves what the language resolves, not what a given Monaco version shows.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLesson, localizeFiles } from '../../lab/lessons/load.ts';
import { JS_COMPILER_OPTIONS } from '../../site/workbench/editor/types-lib.ts';

const root = join(import.meta.dirname, '../..');
const lesson = loadLesson(join(root, 'lessons'), '09-real-app');
const app = localizeFiles(lesson.app, lesson.texts.en.text.messages, lesson.folder);

// Under the repository, so that module resolution walks up to node_modules/@types as on disk.
mkdirSync(join(root, 'node_modules/.cache'), { recursive: true });
const dir = mkdtempSync(join(root, 'node_modules/.cache/lesson-types-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function program(files: Record<string, string>, options: ts.CompilerOptions): ts.Program {
  const names = Object.entries(files).map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
  return ts.createProgram(names, { noEmit: true, skipLibCheck: true, types: [], ...options });
}

const messages = (p: ts.Program) =>
  ts.getPreEmitDiagnostics(p).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));

const TS_OPTIONS: ts.CompilerOptions = { strict: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022 };

const usage = (body: string) => `import type { Request } from 'express';
import 'express-session';
export function handler(req: Request) {
${body}
}
`;

describe('session.d.ts (the TypeScript of lesson 9)', () => {
  it('without it, req.session has no user: the error the lesson quotes', () => {
    const errors = messages(program({ 'without.ts': usage("  req.session.user = { id: 1, username: 'demo' };") }, TS_OPTIONS));
    expect(errors).toEqual(["Property 'user' does not exist on type 'Session & Partial<SessionData>'."]);
  });

  it('with it, user can be set, must be checked before use, and a typo is an error', () => {
    const ok = program(
      { 'session.d.ts': app['session.d.ts']!, 'with.ts': usage("  req.session.user = { id: 1, username: 'demo' };\n  return req.session.user?.username;") },
      TS_OPTIONS,
    );
    expect(messages(ok)).toEqual([]);
    const unchecked = messages(program({ 'session.d.ts': app['session.d.ts']!, 'unchecked.ts': usage('  return req.session.user.username;') }, TS_OPTIONS));
    expect(unchecked).toEqual(["'req.session.user' is possibly 'undefined'."]);
    const typo = messages(program({ 'session.d.ts': app['session.d.ts']!, 'typo.ts': usage('  return req.session.usr;') }, TS_OPTIONS));
    expect(typo.join()).toMatch(/Property 'usr' does not exist/);
  });
});

describe("server.js's JSDoc (what the editor shows)", () => {
  const source = app['server.js']!;
  const p = program({ 'server.js': source }, { ...(JS_COMPILER_OPTIONS as unknown as ts.CompilerOptions), lib: ['lib.es2022.d.ts'] });
  const file = p.getSourceFile(join(dir, 'server.js'))!;
  const checker = p.getTypeChecker();

  /** The type of the identifier that starts at `text`'s first occurrence after `after`. */
  function typeAt(after: string, text: string, offset = 0): string {
    const at = source.indexOf(text, source.indexOf(after)) + offset;
    let found: ts.Node | undefined;
    const visit = (node: ts.Node) => {
      if (node.getStart(file) === at && ts.isIdentifier(node)) found = node;
      else if (node.pos <= at && at < node.end) ts.forEachChild(node, visit);
    };
    visit(file);
    expect(found, `no identifier at "${text}"`).toBeDefined();
    return checker.typeToString(checker.getTypeAtLocation(found!));
  }

  it('types req.session.user in a handler annotated with AppRequest', () => {
    expect(typeAt("app.get('/profile'", 'const user = req.session.user', 'const '.length)).toBe('SessionUser | undefined');
    expect(typeAt('function logIn(', 'req.session.user = {', 'req.session.'.length)).toBe('SessionUser | undefined');
  });

  it('leaves it untyped (any) in a handler without the annotation', () => {
    expect(typeAt("app.post('/api/login'", 'res.json({ user: req.session.user })', 'res.json({ user: req.session.'.length)).toBe('any');
  });
});
