// Monaco, loaded on demand: the panel imports this module with a dynamic import, so all of it
// (editor core, workers, Shiki, type definitions) lives in lazy chunks and never in a page's
// initial JavaScript.
//
// Monaco 0.57 entry points (package `exports` map `./*` → `./esm/vs/*.js`):
//   monaco-editor/editor/editor.api                   the API without any language
//   monaco-editor/features/register.all               the editor contributions (suggest, hover, find…)
//   monaco-editor/languages/features/typescript/register
//                                                     the JS/TS language service (the old
//                                                     `monaco.languages.typescript` is deprecated)
//   …/editor/editor.worker?worker, …/typescript/ts.worker?worker (Vite worker imports)
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/features/register.all';
import { javascriptDefaults, type CompilerOptions } from 'monaco-editor/languages/features/typescript/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TsWorker from 'monaco-editor/languages/features/typescript/ts.worker?worker';
import { registerLanguages } from './language.ts';
import { installShikiThemes } from './theme.ts';
import { buildExtraLibs, JS_COMPILER_OPTIONS } from './types-lib.ts';
import type { MonacoApi } from './types.ts';

let ready: Promise<MonacoApi> | null = null;

function installWorkers(): void {
  globalThis.MonacoEnvironment = {
    getWorker(_workerId: string, label: string): Worker {
      if (label === 'typescript' || label === 'javascript') return new TsWorker();
      return new EditorWorker();
    },
  };
}

async function installTypes(): Promise<void> {
  // TypeScript's enum numbers (ES2022 = 9) are wider than the members Monaco's d.ts declares.
  const options: Record<string, unknown> = { ...JS_COMPILER_OPTIONS, lib: [...JS_COMPILER_OPTIONS.lib], types: [] };
  javascriptDefaults.setCompilerOptions(options as CompilerOptions);
  // Syntax errors yes, type errors no: the lesson's JavaScript is not type-checked.
  javascriptDefaults.setDiagnosticsOptions({ noSemanticValidation: true, noSyntaxValidation: false });
  // Keep every lesson file in the worker, so `require('./routes')` between files resolves.
  javascriptDefaults.setEagerModelSync(true);
  const { TYPE_TEXTS } = await import('./types-data.ts');
  javascriptDefaults.setExtraLibs(buildExtraLibs(TYPE_TEXTS));
}

async function setUp(): Promise<MonacoApi> {
  installWorkers();
  registerLanguages(monaco);
  await Promise.all([installShikiThemes(monaco), installTypes()]);
  return monaco;
}

/** Monaco, configured once per page. A failed load can be retried. */
export function loadMonaco(): Promise<MonacoApi> {
  ready ??= setUp().catch((error: unknown) => {
    ready = null;
    throw error;
  });
  return ready;
}
