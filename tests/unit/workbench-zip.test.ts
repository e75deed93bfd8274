import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { safeName, safePath, zipFiles } from '../../site/workbench/zip.ts';

describe('zipFiles', () => {
  it('puts every file under the folder, byte for byte (UTF-8)', () => {
    const files = {
      'server.js': "const express = require('express');\n// sessão, sesión\n",
      'package.json': '{"name":"lesson"}\n',
      'views/index.html': '<p>olá</p>\n',
    };
    const entries = unzipSync(zipFiles(files, '01-how-sessions-work'));
    const unzipped = Object.fromEntries(Object.entries(entries).map(([path, bytes]) => [path, strFromU8(bytes)]));
    expect(unzipped).toEqual({
      '01-how-sessions-work/server.js': files['server.js'],
      '01-how-sessions-work/package.json': files['package.json'],
      '01-how-sessions-work/views/index.html': files['views/index.html'],
    });
  });

  it('never writes outside the folder', () => {
    const entries = unzipSync(zipFiles({ '../evil.js': 'x', '/abs.js': 'y', './ok.js': 'z' }, '../up'));
    expect(Object.keys(entries).sort()).toEqual(['up/abs.js', 'up/ok.js']);
  });

  it('an empty set of files is still a valid zip', () => {
    expect(unzipSync(zipFiles({}, 'empty'))).toEqual({});
  });
});

describe('names', () => {
  it('safeName keeps a readable single segment', () => {
    expect(safeName('01-how-sessions-work')).toBe('01-how-sessions-work');
    expect(safeName('a/b:c')).toBe('a-b-c');
    expect(safeName('..')).toBe('session-lab');
  });
  it('safePath normalizes and refuses parent segments', () => {
    expect(safePath('a//b/./c.js')).toBe('a/b/c.js');
    expect(safePath('a\\b.js')).toBe('a/b.js');
    expect(safePath('a/../b.js')).toBeNull();
    expect(safePath('')).toBeNull();
  });
});
