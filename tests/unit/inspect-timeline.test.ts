// The timeline's model: probe events and request-panel results folded into one entry per request,
// in order, whichever comes first; sources told apart; server starts as entries; bounded.
import { describe, expect, it } from 'vitest';
import type { ProbeEvent } from '../../lab/protocol/probe.ts';
import type { Hop, RequestResult } from '../../lab/protocol/requests.ts';
import { createTimeline, sentCookie, setCookies, sourceOf, type RequestEntry } from '../../site/workbench/inspect/timeline.ts';

const T0 = Date.UTC(2030, 0, 1, 12);
const ev = (event: Record<string, unknown>) => ({ time: T0, ...event }) as unknown as ProbeEvent;
const request = (requestId: string, browser = 'A', extra: Record<string, unknown> = {}) =>
  ev({ type: 'request', requestId, browser, method: 'GET', path: '/viewcount', cookie: null, ...extra });
const response = (requestId: string, extra: Record<string, unknown> = {}) =>
  ev({ type: 'response', requestId, browser: 'A', status: 200, setCookie: [], sessionId: 'sid1', ...extra });
const store = (requestId: string | undefined, op: string, sessions: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  ev({ type: 'store', ...(requestId ? { requestId } : {}), op, sessionId: 'sid1', sessions, ...extra });

const hop = (requestId: string, status: number, headers: [string, string][] = [], path = '/viewcount'): Hop => ({
  requestId,
  request: { method: 'GET', path, headers: [['host', 'localhost:3000'], ['cookie', 'connect.sid=s%3Aold.sig']] },
  response: { status, statusText: 'OK', headers, body: 'hi', truncated: false },
  ms: 3,
});

const only = (entries: readonly unknown[]) => {
  expect(entries).toHaveLength(1);
  return entries[0] as RequestEntry;
};

describe('timeline', () => {
  it('folds request → store → response into one entry', () => {
    const tl = createTimeline();
    tl.event('main', request('c1-1', 'A', { cookie: 'connect.sid=s%3Aabc.sig' }));
    tl.event('main', store('c1-1', 'get', {}, { found: false }));
    tl.event('main', store('c1-1', 'set', { sid1: { views: 1 } }));
    tl.event('main', response('c1-1', { setCookie: ['connect.sid=s%3Asid1.sig; Path=/; HttpOnly'] }));
    const entry = only(tl.entries());
    expect(entry).toMatchObject({
      kind: 'request',
      instance: 'main',
      requestId: 'c1-1',
      browser: 'A',
      source: 'panel',
      method: 'GET',
      path: '/viewcount',
      cookie: 'connect.sid=s%3Aabc.sig',
      response: { status: 200, sessionId: 'sid1', setCookie: ['connect.sid=s%3Asid1.sig; Path=/; HttpOnly'] },
    });
    expect(entry.store.map((op) => [op.op, op.found, op.sessions])).toEqual([
      ['get', false, 0],
      ['set', undefined, 1],
    ]);
  });

  it('returns the entry each event changed, with the same key (entries are replaced, never mutated)', () => {
    const tl = createTimeline();
    const first = tl.event('main', request('r1'))!;
    const second = tl.event('main', response('r1'))!;
    expect(second.key).toBe(first.key);
    expect(second).not.toBe(first);
    expect((first as RequestEntry).response).toBeNull();
  });

  it('adds the request panel\'s whole exchange, whether its result comes before or after the response event', () => {
    const tl = createTimeline();
    tl.event('main', request('c1-1'));
    // The probe holds the response event while store operations finish: the result can come first.
    const touched = tl.result('main', 'A', { hops: [hop('c1-1', 200, [['set-cookie', 'connect.sid=s%3Anew.sig; Path=/']])], jar: [] });
    expect(touched).toHaveLength(1);
    let entry = only(tl.entries());
    expect(entry.hop?.response?.body).toBe('hi');
    expect(entry.response).toMatchObject({ status: 200, sessionId: null, setCookie: ['connect.sid=s%3Anew.sig; Path=/'] });
    tl.event('main', response('c1-1', { sessionId: 'new', setCookie: ['connect.sid=s%3Anew.sig; Path=/'] }));
    entry = only(tl.entries());
    expect(entry.response?.sessionId).toBe('new');
    expect(entry.hop).toBeDefined();
  });

  it('makes an entry from a result whose events never came, and completes it when the request event is late', () => {
    const tl = createTimeline();
    tl.result('main', 'B', { hops: [hop('c1-9', 302, [['location', '/profile']])], jar: [] }, { now: T0 + 5 });
    let entry = only(tl.entries());
    expect(entry).toMatchObject({ browser: 'B', source: 'panel', method: 'GET', cookie: 'connect.sid=s%3Aold.sig', response: { status: 302, location: '/profile' }, time: T0 + 5 });
    tl.event('main', request('c1-9', 'B', { cookie: 'connect.sid=s%3Aold.sig' }));
    entry = only(tl.entries());
    expect(entry.time).toBe(T0);
  });

  it('shows a redirect followed as one entry per hop, the error on the last one', () => {
    const tl = createTimeline();
    const result: RequestResult = {
      hops: [hop('c1-1', 302, [['location', '/profile']], '/login'), { ...hop('c1-2', 200, [], '/profile'), response: null }],
      jar: [],
      error: { key: 'timeout', message: 'no answer' },
    };
    tl.result('main', 'A', result);
    const entries = tl.entries() as RequestEntry[];
    expect(entries.map((e) => [e.path, e.response?.status ?? null, e.error?.key ?? null])).toEqual([
      ['/login', 302, null],
      ['/profile', null, 'timeout'],
    ]);
  });

  it('tells sources apart: panel, preview, terminal, and the checks\' A and B while checks run', () => {
    const tl = createTimeline();
    tl.event('main', request('p1', 'preview'));
    tl.event('main', request('t1', 'terminal'));
    tl.event('main', request('c1-1', 'A'), { checking: true });
    tl.event('main', request('c1-2', 'B'));
    expect((tl.entries() as RequestEntry[]).map((e) => e.source)).toEqual(['preview', 'terminal', 'check', 'panel']);
    // The panel's own request during checks is claimed by its result.
    tl.result('main', 'A', { hops: [hop('c1-1', 200)], jar: [] });
    expect(tl.find('main', 'c1-1')?.source).toBe('panel');
    expect(sourceOf('robot', false)).toBe('other');
  });

  it('keeps a new entry for a preview id reused after a restart (p1 again)', () => {
    const tl = createTimeline();
    tl.event('main', request('p1', 'preview'));
    tl.event('main', response('p1'));
    tl.event('main', ev({ type: 'listening', port: 3000 }));
    tl.event('main', request('p1', 'preview', { path: '/again' }));
    const entries = tl.entries();
    expect(entries.map((e) => e.kind)).toEqual(['request', 'listening', 'request']);
    expect(new Set(entries.map((e) => e.key)).size).toBe(3);
    expect(tl.find('main', 'p1')?.path).toBe('/again');
  });

  it('keeps two instances apart (the same request id on each)', () => {
    const tl = createTimeline();
    tl.event('main', request('p1', 'preview'));
    tl.event('second', request('p1', 'preview'));
    tl.event('second', response('p1', { status: 404 }));
    expect(tl.find('main', 'p1')?.response).toBeNull();
    expect(tl.find('second', 'p1')?.response?.status).toBe(404);
  });

  it('records server starts and crashes; ignores store events without a request', () => {
    const tl = createTimeline();
    expect(tl.event('main', ev({ type: 'listening', port: 4321 }))).toMatchObject({ kind: 'listening', port: 4321, time: T0 });
    expect(tl.event('main', ev({ type: 'error', kind: 'uncaught', message: 'boom', stack: '' }))).toMatchObject({ kind: 'error', message: 'boom' });
    expect(tl.event('main', store(undefined, 'touch', {}))).toBeNull();
    expect(tl.entries()).toHaveLength(2);
  });

  it('records regenerate and errors of store operations', () => {
    const tl = createTimeline();
    tl.event('main', request('r'));
    tl.event('main', store('r', 'regenerate', { sid2: {} }, { sessionId: 'sid2', previousSessionId: 'sid1' }));
    tl.event('main', store('r', 'set', {}, { error: 'EACCES' }));
    expect(tl.find('main', 'r')?.store).toMatchObject([
      { op: 'regenerate', sessionId: 'sid2', previousSessionId: 'sid1', sessions: 1 },
      { op: 'set', error: 'EACCES', sessions: 0 },
    ]);
  });

  it('is bounded: the oldest entries go', () => {
    const tl = createTimeline({ limit: 3 });
    for (let i = 1; i <= 5; i++) tl.event('main', request(`r${i}`));
    expect((tl.entries() as RequestEntry[]).map((e) => e.requestId)).toEqual(['r3', 'r4', 'r5']);
    expect(tl.find('main', 'r1')).toBeUndefined();
    // A late event of a forgotten request makes a fresh entry rather than failing.
    tl.event('main', response('r1'));
    expect(tl.find('main', 'r1')?.response?.status).toBe(200);
    tl.clear();
    expect(tl.entries()).toEqual([]);
  });
});

describe('cookie mentions', () => {
  const base = only((() => {
    const tl = createTimeline();
    tl.event('main', request('r', 'A', { cookie: 'theme=dark; app.sid=s%3AabcID.sig' }));
    tl.event('main', response('r', { setCookie: ['app.sid=s%3Anew.sig; Path=/', 'app.sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'junk'] }));
    return tl.entries();
  })());
  it('finds the session cookie sent, renamed or not', () => {
    expect(sentCookie(base, 'app.sid')).toEqual({ name: 'app.sid', sessionId: 'abcID', cleared: false });
    expect(sentCookie(base, 'connect.sid')?.name).toBe('app.sid');
    expect(sentCookie({ ...base, cookie: 'theme=dark' }, 'connect.sid')).toBeNull();
  });
  it('lists cookies set, and says when one is cleared', () => {
    expect(setCookies(base)).toEqual([
      { name: 'app.sid', sessionId: 'new', cleared: false },
      { name: 'app.sid', sessionId: null, cleared: true },
    ]);
  });
});
