// How check details and response bodies read.
import { describe, expect, it } from 'vitest';
import { bodyKind, headerValues, isCookieHeader, prettyBody } from '../../site/workbench/inspect/body-format.ts';
import { detailRows, detailWhere, fieldLabel, formatValue } from '../../site/workbench/inspect/checks-format.ts';
import { LANGS } from '../../lab/lessons/languages.ts';
import { createT } from '../../site/i18n/index.ts';

const t = (key: string, values: Record<string, unknown> = {}) =>
  `${key}${Object.keys(values).length ? JSON.stringify(values) : ''}`;

describe('check details', () => {
  it('one row per failed field, expected beside actual', () => {
    const rows = detailRows(t, {
      step: 2,
      request: { browser: 'B', method: 'GET', path: '/viewcount' },
      expected: { status: 200, 'headers.location': '^/login$', setsCookie: true, sameSession: false },
      actual: { status: 302, 'headers.location': null, setsCookie: ['a=1'], sameSession: { previous: 'x', current: 'x' } },
    });
    expect(rows).toEqual([
      { field: 'status', label: 'inspect.checks.field.status{"name":""}', expected: '200', actual: '302' },
      { field: 'headers.location', label: 'inspect.checks.field.headers{"name":"location"}', expected: '^/login$', actual: 'inspect.checks.nothing' },
      { field: 'setsCookie', label: 'inspect.checks.field.setsCookie{"name":""}', expected: 'inspect.checks.yes', actual: 'a=1' },
      { field: 'sameSession', label: 'inspect.checks.field.sameSession{"name":""}', expected: 'inspect.checks.no', actual: '{\n  "current": "x",\n  "previous": "x"\n}' },
    ]);
  });
  it('keeps fields only one side names, and unknown fields as they are', () => {
    expect(detailRows(t, { step: 0, expected: { response: true }, actual: { error: { key: 'timeout', message: 'slow' } } }).map((r) => [r.field, r.expected, r.actual])).toEqual([
      ['response', 'inspect.checks.yes', 'inspect.checks.nothing'],
      ['error', 'inspect.checks.nothing', '{\n  "key": "timeout",\n  "message": "slow"\n}'],
    ]);
    expect(fieldLabel(t, 'cookieAttributes.HttpOnly')).toBe('inspect.checks.field.cookieAttributes{"name":"HttpOnly"}');
    expect(fieldLabel(t, 'mystery')).toBe('mystery');
    expect(formatValue(t, ['a', 'b'])).toBe('a\nb');
  });
  for (const lang of LANGS) {
    it(`${lang}: a failed check on storeOps or clearsCookie names the field in words, never as its key`, () => {
      const t = createT(lang);
      const rows = detailRows(t, {
        step: 1,
        request: { browser: 'A', method: 'POST', path: '/logout' },
        expected: { storeOps: ['destroy'], clearsCookie: true },
        actual: { storeOps: ['get', 'set'], clearsCookie: false },
      });
      const words = { storeOps: t('inspect.checks.field.storeOps'), clearsCookie: t('inspect.checks.field.clearsCookie') };
      expect(rows.map((row) => row.label)).toEqual([words.storeOps, words.clearsCookie]);
      for (const label of Object.values(words)) expect(label).not.toMatch(/storeOps|clearsCookie|inspect\./);
      expect(rows[0]!.actual).toBe('get\nset');
    });
  }
  it('says where: a request with its browser, or a step (a restart)', () => {
    expect(detailWhere(t, { step: 1, request: { browser: 'none', method: 'POST', path: '/login' }, expected: {}, actual: {} })).toBe(
      'inspect.checks.atRequest{"n":2,"browser":"inspect.browser.none","method":"POST","path":"/login"}',
    );
    expect(detailWhere(t, { step: 0, expected: {}, actual: {} })).toBe('inspect.checks.atStep{"n":1}');
  });
});

describe('bodies and headers', () => {
  it('knows a page, JSON, text and nothing', () => {
    expect(bodyKind([['Content-Type', 'text/html; charset=utf-8']], '<h1>Hi</h1>')).toBe('html');
    expect(bodyKind([['content-type', 'application/json']], '{"a":1}')).toBe('json');
    expect(bodyKind([['content-type', 'text/plain']], 'Found. Redirecting to /login')).toBe('text');
    expect(bodyKind([], '<p>no type</p>')).toBe('html');
    expect(bodyKind([['content-type', 'text/html']], '')).toBe('empty');
  });
  it('indents JSON that parses, leaves the rest', () => {
    expect(prettyBody('json', '{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyBody('json', '{oops')).toBe('{oops');
    expect(prettyBody('html', '<b>x</b>')).toBe('<b>x</b>');
  });
  it('finds every Set-Cookie, case-insensitively', () => {
    const headers: [string, string][] = [['Set-Cookie', 'a=1'], ['set-cookie', 'b=2'], ['X', 'y']];
    expect(headerValues(headers, 'set-cookie')).toEqual(['a=1', 'b=2']);
    expect(isCookieHeader('Cookie')).toBe(true);
    expect(isCookieHeader('Set-Cookie')).toBe(true);
    expect(isCookieHeader('Cookies')).toBe(false);
  });
});
