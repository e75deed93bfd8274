// The cookie view's reading of cookies: Set-Cookie and Cookie headers as data, an express-session
// value taken apart as cookie-signature does, the session cookie found (renamed too), expiry.
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  countdownText,
  decodeSessionValue,
  durationParts,
  expiresAt,
  findSessionCookie,
  formatDuration,
  isSignedValue,
  parseCookieHeader,
  parseSetCookie,
  safeDecode,
  shortId,
} from '../../site/workbench/inspect/cookie-decode.ts';

/** What express-session sends: s: + id + . + HMAC-SHA256 base64 without =, URL-encoded. */
function sessionCookie(secret = 'keyboard cat') {
  const id = randomBytes(24).toString('base64url');
  const signature = createHmac('sha256', secret).update(id).digest('base64').replace(/=+$/, '');
  return { id, signature, value: encodeURIComponent(`s:${id}.${signature}`) };
}

/** A t() that shows the key and its values, so tests read what would be said. */
const t = (key: string, values: Record<string, unknown> = {}) =>
  `${key}${Object.keys(values).length ? JSON.stringify(values) : ''}`;

describe('parseSetCookie', () => {
  it("reads express-session's default cookie", () => {
    const c = parseSetCookie('connect.sid=s%3Aabc.def; Path=/; Expires=Wed, 01 Jan 2031 00:00:00 GMT; HttpOnly');
    expect(c).toMatchObject({
      name: 'connect.sid',
      value: 's%3Aabc.def',
      path: '/',
      expires: 'Wed, 01 Jan 2031 00:00:00 GMT',
      maxAge: null,
      httpOnly: true,
      secure: false,
      sameSite: null,
      domain: null,
    });
    expect(c?.attributes).toEqual([
      ['Path', '/'],
      ['Expires', 'Wed, 01 Jan 2031 00:00:00 GMT'],
      ['HttpOnly', null],
    ]);
  });

  it('reads every attribute, case-insensitively, and keeps the names as sent', () => {
    const c = parseSetCookie('sid=x; max-age=60; SECURE; samesite=Strict; domain=localhost; partitioned');
    expect(c).toMatchObject({ maxAge: 60, secure: true, sameSite: 'Strict', domain: 'localhost', partitioned: true });
    expect(c?.attributes.map(([name]) => name)).toEqual(['max-age', 'SECURE', 'samesite', 'domain', 'partitioned']);
  });

  it('ignores a Max-Age that is not a number, unquotes a quoted value, refuses a header without name=value', () => {
    expect(parseSetCookie('a=1; Max-Age=soon')?.maxAge).toBeNull();
    expect(parseSetCookie('a="quoted"')?.value).toBe('quoted');
    expect(parseSetCookie('novalue')).toBeNull();
    expect(parseSetCookie('=x')).toBeNull();
  });
});

describe('parseCookieHeader', () => {
  it('splits a Cookie header in order', () => {
    expect(parseCookieHeader('connect.sid=s%3Aa.b; theme=dark;x=1')).toEqual([
      { name: 'connect.sid', value: 's%3Aa.b' },
      { name: 'theme', value: 'dark' },
      { name: 'x', value: '1' },
    ]);
    expect(parseCookieHeader(null)).toEqual([]);
    expect(parseCookieHeader('junk; =; a=')).toEqual([{ name: 'a', value: '' }]);
  });
});

describe('decodeSessionValue', () => {
  it('takes a real express-session value apart: s%3A → s:, the id, the signature', () => {
    const { id, signature, value } = sessionCookie();
    const d = decodeSessionValue(value);
    expect(value.startsWith('s%3A')).toBe(true);
    expect(d).toMatchObject({ raw: value, urlEncoded: true, badEncoding: false, signed: true, sessionId: id, signature, idLooksDefault: true, signatureLooksHmac: true });
    expect(d.decoded).toBe(`s:${id}.${signature}`);
  });

  it('decodes %2B and %2F in the signature', () => {
    const d = decodeSessionValue('s%3Aid.ab%2Bc%2Fd');
    expect(d.signature).toBe('ab+c/d');
  });

  it('splits at the last dot, as cookie-signature does', () => {
    expect(decodeSessionValue('s:a.b.c')).toMatchObject({ sessionId: 'a.b', signature: 'c', urlEncoded: false });
  });

  it('says what is not an express-session value', () => {
    expect(decodeSessionValue('hello')).toMatchObject({ signed: false, sessionId: null, signature: null });
    expect(decodeSessionValue('s:onlyid')).toMatchObject({ signed: true, sessionId: 'onlyid', signature: null, idLooksDefault: false });
    expect(decodeSessionValue('%E0%A4%A')).toMatchObject({ badEncoding: true, decoded: '%E0%A4%A', signed: false });
    expect(safeDecode('%')).toBeNull();
  });

  it('notices a tampered signature shape', () => {
    const { value } = sessionCookie();
    expect(decodeSessionValue(`${value}x`).signatureLooksHmac).toBe(false);
  });
});

describe('findSessionCookie', () => {
  const a = sessionCookie();
  const b = sessionCookie();
  it('prefers the cookie whose id the store holds', () => {
    const cookies = [
      { name: 'connect.sid', value: a.value },
      { name: 'app.sid', value: b.value },
    ];
    expect(findSessionCookie(cookies, { knownIds: new Set([b.id]) })?.name).toBe('app.sid');
  });
  it('then the name the app was seen setting (a renamed cookie), then connect.sid, then any signed one', () => {
    const renamed = [{ name: 'theme', value: 'dark' }, { name: 'my.sid', value: a.value }];
    expect(findSessionCookie(renamed, { name: 'my.sid' })?.name).toBe('my.sid');
    expect(findSessionCookie(renamed)?.name).toBe('my.sid');
    expect(findSessionCookie([{ name: 'connect.sid', value: 'tampered' }, { name: 'x', value: b.value }])?.name).toBe('connect.sid');
    expect(findSessionCookie([{ name: 'theme', value: 'dark' }])).toBeUndefined();
  });
  it('finds a renamed cookie even after its value was edited beyond recognition', () => {
    expect(findSessionCookie([{ name: 'my.sid', value: 'garbage' }], { name: 'my.sid' })?.value).toBe('garbage');
  });
  it('isSignedValue accepts both forms', () => {
    expect(isSignedValue('s%3Aa.b')).toBe(true);
    expect(isSignedValue('s:a.b')).toBe(true);
    expect(isSignedValue('S%3aa')).toBe(true);
    expect(isSignedValue('sx')).toBe(false);
  });
});

describe('expiry', () => {
  const received = Date.UTC(2030, 0, 1, 12, 0, 0);
  it('Max-Age wins over Expires and counts from arrival', () => {
    expect(expiresAt({ maxAge: 60, expires: 'Wed, 01 Jan 2031 00:00:00 GMT' }, received)).toBe(received + 60_000);
    expect(expiresAt({ maxAge: 0, expires: null }, received)).toBe(received);
    expect(expiresAt({ maxAge: -1, expires: null }, received)).toBe(received);
  });
  it('reads Expires, and null is a browser-session cookie', () => {
    expect(expiresAt({ maxAge: null, expires: 'Wed, 01 Jan 2031 00:00:00 GMT' }, received)).toBe(Date.UTC(2031, 0, 1));
    expect(expiresAt({ maxAge: null, expires: '2031-01-01T00:00:00.000Z' }, received)).toBe(Date.UTC(2031, 0, 1));
    expect(expiresAt({ maxAge: null, expires: null }, received)).toBeNull();
    expect(expiresAt({ maxAge: null, expires: 'not a date' }, received)).toBeNull();
  });
  it('counts down in days, hours, minutes and seconds', () => {
    expect(durationParts(90_061_999)).toEqual({ days: 1, hours: 1, minutes: 1, seconds: 1 });
    expect(durationParts(-5)).toEqual({ days: 0, hours: 0, minutes: 0, seconds: 0 });
    expect(formatDuration(t, 3_599_000)).toBe('00:59:59');
    expect(formatDuration(t, 2 * 86_400_000 + 5_000)).toBe('inspect.time.days{"count":2} 00:00:05');
  });
  it('says expired, time left, or kept until the browser closes', () => {
    expect(countdownText(t, null, received)).toBe('inspect.cookie.browserSession');
    expect(countdownText(t, received, received)).toBe('inspect.cookie.expired');
    expect(countdownText(t, received + 61_000, received)).toBe('inspect.cookie.expiresIn{"time":"00:01:01"}');
  });
});

it('shortId keeps ids readable in lists', () => {
  expect(shortId('abcdefghijklmnop')).toBe('abcdefgh…');
  expect(shortId('abc')).toBe('abc');
});
