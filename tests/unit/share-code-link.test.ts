// Links that carry code (site/workbench/share/code-link.ts): what travels, what a reader's page
// makes of every kind of link — whole, cut short, altered, foreign, a bomb — and the length bound.
import { deflateSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { MAX_LINK_LENGTH, changedFiles, codeLink, readCodeLink, withoutCode } from '../../site/workbench/share/code-link.ts';

const STEP = 'https://course.example/session-lab/en/set-get/count-views/';
const starter = { 'server.js': "const express = require('express');\n", 'package.json': '{}\n' };
const mine = { ...starter, 'server.js': "const express = require('express');\n// olá, ñandú: my change\n", 'views/new.txt': 'added' };
const fragmentOf = (url: string) => url.slice(url.indexOf('#'));
/** A payload as a link would carry it, made by hand (to build links our own encoder would never make). */
const pack = (value: unknown) =>
  btoa(String.fromCharCode(...deflateSync(strToU8(JSON.stringify(value))))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

describe('links that carry code', () => {
  it('carries only the changed and added files, and the reader gets exactly them back', () => {
    expect(changedFiles(mine, starter)).toEqual({ 'server.js': mine['server.js'], 'views/new.txt': 'added' });
    const made = codeLink(STEP, 'set-get', mine, starter);
    expect(made).toMatchObject({ kind: 'link', files: 2 });
    if (made.kind !== 'link') return;
    expect(made.url.startsWith(`${STEP}#code=1.`)).toBe(true);
    expect(readCodeLink(fragmentOf(made.url), 'set-get')).toEqual({ kind: 'code', code: { lesson: 'set-get', files: changedFiles(mine, starter) } });
  });

  it('an unchanged project is the plain step link', () => {
    expect(codeLink(STEP, 'set-get', starter, starter)).toEqual({ kind: 'unchanged', url: STEP });
  });

  it(`refuses at copy time a link longer than ${MAX_LINK_LENGTH} characters, saying how long`, () => {
    // Text that does not compress: letters from a seeded xorshift generator.
    let noise = '';
    let seed = 2463534242;
    for (let i = 0; i < 20_000; i++) {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      noise += String.fromCharCode(33 + ((seed >>> 0) % 90));
    }
    const made = codeLink(STEP, 'set-get', { ...starter, 'big.js': noise }, starter);
    expect(made.kind).toBe('tooLong');
    if (made.kind === 'tooLong') expect([made.length > MAX_LINK_LENGTH, made.max]).toEqual([true, MAX_LINK_LENGTH]);
  });

  it('a link cut short, altered, of an unknown version or not ours is damaged — never a throw', () => {
    const made = codeLink(STEP, 'set-get', mine, starter);
    if (made.kind !== 'link') throw new Error('no link');
    const fragment = fragmentOf(made.url);
    for (const cut of [fragment.length - 1, fragment.length - 10, Math.floor(fragment.length / 2), '#code=1.'.length + 2]) {
      expect(readCodeLink(fragment.slice(0, cut), 'set-get'), `cut at ${cut}`).toEqual({ kind: 'damaged' });
    }
    expect(readCodeLink('#code=1.' + 'A'.repeat(60), 'set-get')).toEqual({ kind: 'damaged' });
    expect(readCodeLink('#code=1.not*base64', 'set-get')).toEqual({ kind: 'damaged' });
    expect(readCodeLink(fragment.replace('#code=1.', '#code=2.'), 'set-get')).toEqual({ kind: 'damaged' });
    expect(readCodeLink('#code=1.' + pack(['a', 'list']), 'set-get')).toEqual({ kind: 'damaged' });
    expect(readCodeLink('#code=1.' + pack({ l: 'set-get', f: { 'a.js': 3 } }), 'set-get')).toEqual({ kind: 'damaged' });
    expect(readCodeLink('#code=1.' + pack({ l: 'set-get', f: {} }), 'set-get')).toEqual({ kind: 'damaged' });
  });

  it('refuses paths that leave the project, and code that inflates beyond the bound', () => {
    for (const path of ['../server.js', '/etc/passwd', 'a/../../b', 'a//b', './a.js']) {
      expect(readCodeLink('#code=1.' + pack({ l: 'set-get', f: { [path]: 'x' } }), 'set-get'), path).toEqual({ kind: 'damaged' });
    }
    const bomb = '#code=1.' + pack({ l: 'set-get', f: { 'a.js': 'x'.repeat(2 * 1024 * 1024) } });
    expect(bomb.length).toBeLessThan(MAX_LINK_LENGTH);
    expect(readCodeLink(bomb, 'set-get')).toEqual({ kind: 'damaged' });
  });

  it('tells code for another lesson apart; a page with no code fragment has nothing to read', () => {
    const made = codeLink(STEP, 'destroy', mine, starter);
    if (made.kind !== 'link') throw new Error('no link');
    expect(readCodeLink(fragmentOf(made.url), 'set-get')).toEqual({ kind: 'otherLesson', lesson: 'destroy' });
    expect(readCodeLink('', 'set-get')).toEqual({ kind: 'none' });
    expect(readCodeLink('#main', 'set-get')).toEqual({ kind: 'none' });
  });

  it('takes the code fragment out of the address, and leaves other fragments alone', () => {
    expect(withoutCode(`${STEP}?file=server.js#code=1.abc`)).toBe(`${STEP}?file=server.js`);
    expect(withoutCode(`${STEP}#main`)).toBe(`${STEP}#main`);
  });
});
