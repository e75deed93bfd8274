import { describe, expect, it } from 'vitest';
import { initialTabs, shortcutOf, tabKeyTarget, withOpened } from '../../site/workbench/editor/tabs.ts';
import { markersByFile, SEVERITY_ERROR, toMarkerData } from '../../site/workbench/editor/markers.ts';
import { treeRows } from '../../site/workbench/editor/file-tree.ts';
import { languageOf } from '../../site/workbench/editor/language.ts';
import { monacoThemeName } from '../../site/workbench/editor/theme-name.ts';

describe('tabs: keyboard model', () => {
  it('arrows wrap, Home and End jump, other keys do nothing', () => {
    expect(tabKeyTarget('ArrowRight', 0, 3)).toBe(1);
    expect(tabKeyTarget('ArrowRight', 2, 3)).toBe(0);
    expect(tabKeyTarget('ArrowLeft', 0, 3)).toBe(2);
    expect(tabKeyTarget('Home', 2, 3)).toBe(0);
    expect(tabKeyTarget('End', 0, 3)).toBe(2);
    expect(tabKeyTarget('Enter', 0, 3)).toBeNull();
    expect(tabKeyTarget('ArrowRight', 0, 0)).toBeNull();
  });

  it('opening adds a tab once', () => {
    expect(withOpened(['a.js'], 'b.js')).toEqual(['a.js', 'b.js']);
    expect(withOpened(['a.js', 'b.js'], 'a.js')).toEqual(['a.js', 'b.js']);
  });

  it('initial tabs keep the requested order, drop unknown files, and never leave it empty', () => {
    expect(initialTabs(['server.js', 'package.json'], ['server.js', 'server.js', 'nope.js', 'package.json'])).toEqual(['server.js', 'package.json']);
    expect(initialTabs(['server.js', 'package.json'], ['nope.js'])).toEqual(['package.json']);
    expect(initialTabs([], ['a.js'])).toEqual([]);
  });
});

describe('shortcuts', () => {
  const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean; isComposing: boolean }> = {}) => ({
    key: k,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    ...mods,
  });
  it('Ctrl or Cmd + S saves, + Enter runs', () => {
    expect(shortcutOf(key('s', { ctrlKey: true }))).toBe('save');
    expect(shortcutOf(key('S', { metaKey: true }))).toBe('save');
    expect(shortcutOf(key('Enter', { ctrlKey: true }))).toBe('run');
    expect(shortcutOf(key('Enter', { metaKey: true }))).toBe('run');
  });
  it('leaves everything else alone', () => {
    expect(shortcutOf(key('s'))).toBeNull();
    expect(shortcutOf(key('Enter'))).toBeNull();
    expect(shortcutOf(key('s', { ctrlKey: true, shiftKey: true }))).toBeNull();
    expect(shortcutOf(key('s', { ctrlKey: true, altKey: true }))).toBeNull();
    expect(shortcutOf(key('Enter', { ctrlKey: true, isComposing: true }))).toBeNull();
  });
});

describe('markers', () => {
  const text = "const a = 1;\n  req.session.views += 1;\n";
  it('without a column, covers the line from its first character', () => {
    expect(toMarkerData({ path: 'server.js', line: 2, message: 'boom' }, text)).toEqual({
      severity: SEVERITY_ERROR,
      message: 'boom',
      startLineNumber: 2,
      startColumn: 3,
      endLineNumber: 2,
      endColumn: 26,
      source: 'session-lab',
    });
  });
  it('with a column, covers the word there', () => {
    const data = toMarkerData({ path: 'server.js', line: 2, column: 7, message: 'x' }, text);
    expect([data.startColumn, data.endColumn]).toEqual([7, 14]);
    const punct = toMarkerData({ path: 'server.js', line: 2, column: 6, message: 'x' }, text);
    expect([punct.startColumn, punct.endColumn]).toEqual([6, 7]);
  });
  it('clamps lines and columns into the file', () => {
    const far = toMarkerData({ path: 'server.js', line: 99, column: 500, message: 'x' }, text);
    expect(far.startLineNumber).toBe(3);
    expect(far.startColumn).toBe(1);
    expect(far.endColumn).toBe(2);
    expect(toMarkerData({ path: 'server.js', line: 0, message: 'x' }, text).startLineNumber).toBe(1);
    expect(toMarkerData({ path: 'server.js', line: Number.NaN, message: 'x' }, text).startLineNumber).toBe(1);
  });
  it('groups by file and skips files that do not exist', () => {
    const byFile = markersByFile(
      [
        { path: 'server.js', line: 1, message: 'a' },
        { path: 'node_modules/express/index.js', line: 3, message: 'b' },
        { path: 'server.js', line: 2, message: 'c' },
      ],
      { 'server.js': text },
    );
    expect([...byFile.keys()]).toEqual(['server.js']);
    expect(byFile.get('server.js')?.map((m) => m.message)).toEqual(['a', 'c']);
  });
});

describe('file tree', () => {
  it('lists folders first, each before its files, with depth', () => {
    expect(treeRows(['server.js', 'views/login.html', 'package.json', 'views/partials/nav.html', 'lib/store.js'])).toEqual([
      { kind: 'dir', path: 'lib', name: 'lib', depth: 0 },
      { kind: 'file', path: 'lib/store.js', name: 'store.js', depth: 1 },
      { kind: 'dir', path: 'views', name: 'views', depth: 0 },
      { kind: 'dir', path: 'views/partials', name: 'partials', depth: 1 },
      { kind: 'file', path: 'views/partials/nav.html', name: 'nav.html', depth: 2 },
      { kind: 'file', path: 'views/login.html', name: 'login.html', depth: 1 },
      { kind: 'file', path: 'package.json', name: 'package.json', depth: 0 },
      { kind: 'file', path: 'server.js', name: 'server.js', depth: 0 },
    ]);
  });
});

describe('languages and themes', () => {
  it('maps lesson files to Monaco languages', () => {
    expect(languageOf('server.js')).toBe('javascript');
    expect(languageOf('lib/store.cjs')).toBe('javascript');
    expect(languageOf('package.json')).toBe('json');
    expect(languageOf('views/index.html')).toBe('html');
    expect(languageOf('README')).toBe('plaintext');
    expect(languageOf('.env')).toBe('plaintext');
  });
  it('uses the lesson text’s Shiki themes', () => {
    expect(monacoThemeName('light')).toBe('github-light-default');
    expect(monacoThemeName('dark')).toBe('github-dark-default');
  });
});
