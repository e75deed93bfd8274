// Monaco and the panel's code that needs it come on demand (site/workbench/editor/README.md): no
// static value import from the editor panel may reach them, or they would land in the page's
// workbench chunk (the page's JS budget, `npm run bench`). Type-only imports load nothing
// (verbatimModuleSyntax drops them); dynamic `import()` is how the lazy ones are meant to come.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const editor = join(import.meta.dirname, '../../site/workbench/editor');

/** The modules `text` imports for their values (a bare specifier as is, a relative one resolved). */
function valueImports(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
    if (!statement.moduleSpecifier || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    if (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly) continue;
    if (ts.isExportDeclaration(statement) && statement.isTypeOnly) continue;
    const name = statement.moduleSpecifier.text;
    found.push(name.startsWith('.') ? resolve(dirname(file), name) : name);
  }
  return found;
}

/** Every module reached from `entry` through static value imports (site/ sources only followed). */
function staticClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith('.ts')) continue;
    queue.push(...valueImports(file, readFileSync(file, 'utf8')));
  }
  return seen;
}

describe('the editor panel: what needs Monaco stays lazy', () => {
  it('no static import from editor-panel.ts reaches Monaco, the code editor or the diff view', () => {
    const reached = [...staticClosure(join(editor, 'editor-panel.ts'))];
    const lazy = ['monaco-loader.ts', 'monaco-view.ts', 'monaco-models.ts', 'diff.ts', 'markers.ts'].map((name) => join(editor, name));
    expect(reached.filter((file) => lazy.includes(file) || file.startsWith('monaco-editor') || file.startsWith('shiki'))).toEqual([]);
    // The walk itself works: it reaches the parts the panel builds on.
    expect(reached).toContain(join(editor, 'monaco-on-demand.ts'));
  });

  it('reads imports as the bundler does: type-only ones load nothing', () => {
    const file = join(editor, 'x.ts');
    const text = "import type { A } from './a.ts';\nimport { b, type C } from './b.ts';\nimport './c.css';\nexport { d } from 'pkg';\nexport type { E } from './e.ts';";
    expect(valueImports(file, text)).toEqual([join(editor, 'b.ts'), join(editor, 'c.css'), 'pkg']);
  });
});
