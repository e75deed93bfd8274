// The type definitions Monaco gets, checked with Monaco's own TypeScript worker (the same
// TypeScriptWorker class and TypeScript build that run in the browser), fed the way the editor
// feeds it: lesson files as models at file:///workspace/, the definitions as extra libs.
import { beforeAll, describe, expect, it } from 'vitest';
import { TYPE_TEXTS } from '../../site/workbench/editor/types-data.ts';
import {
  buildExtraLibs,
  expectedTypeFiles,
  JS_COMPILER_OPTIONS,
  nodeIndexSource,
  typesRelativePath,
  TYPES_ROOT,
  WORKSPACE_ROOT,
} from '../../site/workbench/editor/types-lib.ts';

interface Completions {
  entries: { name: string }[];
}
interface Worker {
  getCompletionsAtPosition(fileName: string, offset: number): Promise<Completions | undefined>;
  getQuickInfoAtPosition(fileName: string, offset: number): Promise<{ displayParts?: { text: string }[] } | undefined>;
}

const SERVER = `const express = require('express');
const session = require('express-session');

const app = express();
app.use(session({ secret: process.env.SESSION_SECRET || 'dev', resave: false, saveUninitialized: false }));

app.get('/viewcount', (req, res) => {
  req.session.
});

app.get('/logout', (req, res) => {
  res.
});
`;

async function workerFor(files: Record<string, string>): Promise<Worker> {
  // No .d.ts ships for this module: import it by a computed specifier.
  const specifier = 'monaco-editor/languages/features/typescript/tsWorker';
  const { TypeScriptWorker } = (await import(/* @vite-ignore */ specifier)) as {
    TypeScriptWorker: new (ctx: unknown, createData: unknown) => Worker;
  };
  const models = Object.entries(files).map(([path, text]) => {
    const uri = WORKSPACE_ROOT + path;
    return { uri: { toString: () => uri, path: uri.slice('file://'.length) }, version: 1, getValue: () => text };
  });
  const extraLibs = Object.fromEntries(buildExtraLibs(TYPE_TEXTS).map((lib) => [lib.filePath, { content: lib.content, version: 1 }]));
  return new TypeScriptWorker(
    { getMirrorModels: () => models },
    { compilerOptions: { ...JS_COMPILER_OPTIONS }, extraLibs, inlayHintsOptions: {} },
  );
}

describe('type definitions for the editor', () => {
  it('bundles exactly the files types-lib lists', () => {
    const got = Object.keys(TYPE_TEXTS).map((key) => typesRelativePath(key)).sort();
    expect(got).toEqual(expectedTypeFiles());
    for (const text of Object.values(TYPE_TEXTS)) expect(text.length).toBeGreaterThan(100);
  });

  it('stays small (no whole @types/node)', () => {
    const bytes = Object.values(TYPE_TEXTS).reduce((sum, text) => sum + text.length, 0);
    expect(bytes).toBeLessThan(900_000);
  });

  it('maps glob keys to file:///node_modules/@types paths and adds a trimmed node index', () => {
    expect(typesRelativePath('../../../node_modules/@types/express/index.d.ts')).toBe('express/index.d.ts');
    expect(typesRelativePath('/src/x.ts')).toBeNull();
    const libs = buildExtraLibs({ '/node_modules/@types/node/http.d.ts': 'declare module "http" {}' });
    expect(libs.map((lib) => lib.filePath)).toEqual([`${TYPES_ROOT}node/http.d.ts`, `${TYPES_ROOT}node/index.d.ts`]);
    expect(libs[1]?.content).toBe(nodeIndexSource(['http.d.ts']));
  });

  // The worker type-checks express's and Node's types on the first question: seconds on a loaded
  // machine, beyond the unit project's 5 s default (it failed so once while other suites ran).
  describe("in Monaco's TypeScript worker", { timeout: 60_000 }, () => {
    let worker: Worker;
    const file = `${WORKSPACE_ROOT}server.js`;
    const names = async (marker: string) => {
      const offset = SERVER.indexOf(marker) + marker.length;
      const result = await worker.getCompletionsAtPosition(file, offset);
      return new Set(result?.entries.map((entry) => entry.name));
    };

    beforeAll(async () => {
      worker = await workerFor({ 'server.js': SERVER });
    }, 60_000);

    it('completes req.session. from express-session', async () => {
      const got = await names('req.session.');
      for (const name of ['regenerate', 'destroy', 'reload', 'save', 'touch', 'cookie', 'id']) expect(got).toContain(name);
    });

    it('completes res. from express', async () => {
      const got = await names('  res.');
      for (const name of ['send', 'redirect', 'cookie', 'clearCookie', 'json', 'status']) expect(got).toContain(name);
    });

    it('knows session() options and process.env', async () => {
      const info = await worker.getQuickInfoAtPosition(file, SERVER.indexOf('session({') + 2);
      expect(info?.displayParts?.map((part) => part.text).join('')).toContain('SessionOptions');
      const env = await worker.getQuickInfoAtPosition(file, SERVER.indexOf('env.') + 1);
      expect(env?.displayParts?.map((part) => part.text).join('')).toContain('ProcessEnv');
    });

    it('has no browser globals in a server file', async () => {
      const offset = SERVER.indexOf('const app');
      const result = await worker.getCompletionsAtPosition(file, offset);
      const globals = new Set(result?.entries.map((entry) => entry.name));
      expect(globals).toContain('process');
      expect(globals).toContain('console');
      expect(globals).not.toContain('document');
    });
  });
});
