// Which type definitions Monaco gets, so that in a lesson's server.js
//   const session = require('express-session');  …  req.session.   completes for real.
// Pure data and path mapping; the raw texts come from ./types-data.ts (a lazy Vite chunk).
//
// The lesson files live at file:///workspace/<path>; the definitions at
// file:///node_modules/@types/<pkg>/<file>, so TypeScript's Node-style lookup walks up from
// /workspace to /node_modules/@types and finds them as it would on disk.

import { WORKSPACE_PATH } from './workspace-path.ts';

export { WORKSPACE_PATH } from './workspace-path.ts';
export const WORKSPACE_ROOT = `file://${WORKSPACE_PATH}`;
export const TYPES_ROOT = 'file:///node_modules/@types/';

/** express, express-session and everything their definitions import (each has an index.d.ts). */
export const TYPE_PACKAGES = [
  'body-parser',
  'connect',
  'express',
  'express-serve-static-core',
  'express-session',
  'http-errors',
  'qs',
  'range-parser',
  'send',
  'serve-static',
] as const;

/**
 * The part of @types/node these need (and what a lesson's server uses: process.env, console,
 * timers), not the whole 2.4 MB. What is left out (fs, crypto, dns, tls…) degrades to `any`
 * inside the definitions; the lesson's own code never sees an error for it.
 */
export const NODE_TYPE_FILES = [
  'buffer.buffer.d.ts',
  'buffer.d.ts',
  'compatibility/iterators.d.ts',
  'console.d.ts',
  'events.d.ts',
  'globals.d.ts',
  'globals.typedarray.d.ts',
  'http.d.ts',
  'module.d.ts',
  'net.d.ts',
  'process.d.ts',
  'querystring.d.ts',
  'stream.d.ts',
  'timers.d.ts',
  'url.d.ts',
] as const;

/** Every file the bundle must hold, as paths under node_modules/@types/. */
export function expectedTypeFiles(): string[] {
  return [
    ...TYPE_PACKAGES.map((pkg) => `${pkg}/index.d.ts`),
    ...NODE_TYPE_FILES.map((file) => `node/${file}`),
  ].sort();
}

/** `…/node_modules/@types/express/index.d.ts` (a glob key, any prefix) → `express/index.d.ts`. */
export function typesRelativePath(globKey: string): string | null {
  const marker = 'node_modules/@types/';
  const at = globKey.lastIndexOf(marker);
  return at === -1 ? null : globKey.slice(at + marker.length);
}

/** A trimmed @types/node index that references only the files we ship. */
export function nodeIndexSource(files: readonly string[] = NODE_TYPE_FILES): string {
  return [
    '// Session Lab: a subset of @types/node (see site/workbench/editor/types-lib.ts).',
    ...files.map((file) => `/// <reference path="${file}" />`),
    '',
  ].join('\n');
}

export interface ExtraLib {
  filePath: string;
  content: string;
}

/** The libs to register with addExtraLib, from the raw texts keyed by their glob paths. */
export function buildExtraLibs(raw: Record<string, string>): ExtraLib[] {
  const libs: ExtraLib[] = [];
  const nodeFiles: string[] = [];
  for (const [key, content] of Object.entries(raw)) {
    const relative = typesRelativePath(key);
    if (relative === null) continue;
    if (relative.startsWith('node/')) nodeFiles.push(relative.slice('node/'.length));
    libs.push({ filePath: TYPES_ROOT + relative, content });
  }
  if (nodeFiles.length > 0 && !libs.some((lib) => lib.filePath === `${TYPES_ROOT}node/index.d.ts`)) {
    libs.push({ filePath: `${TYPES_ROOT}node/index.d.ts`, content: nodeIndexSource(nodeFiles.sort()) });
  }
  return libs.sort((a, b) => a.filePath.localeCompare(b.filePath));
}

/**
 * Compiler options for the JavaScript language service (numbers are TypeScript's enum values:
 * Monaco's d.ts declares only a few members of each enum).
 * module CommonJS (1), moduleResolution Node10 (2): `require()` resolves through node_modules.
 * target ES2022 (9) and lib es2022 only: no DOM globals in a Node server file.
 */
export const JS_COMPILER_OPTIONS = {
  allowJs: true,
  checkJs: false,
  allowNonTsExtensions: true,
  module: 1,
  moduleResolution: 2,
  target: 9,
  lib: ['es2022', 'esnext.disposable'],
  esModuleInterop: true,
  noEmit: true,
  types: [] as string[],
} as const;
