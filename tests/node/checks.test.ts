// Checks against a real lesson server started by instance.mjs (the host's own supervisor): what
// passes, what fails, and that a failure says in plain data what was expected and seen.
import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { createServer } from 'node:net';
import { FIXTURES, PROBE, type Json } from './fixtures/inside/harness.ts';
import { Instance } from '../../lab/inside/instance.mjs';
import { createBrowsers } from '../../lab/inside/client.mjs';
import { runChecks } from '../../lab/inside/checks.mjs';

const frames: Json[] = [];
const inst = new Instance({ name: 'main', cwd: FIXTURES, probePath: PROBE, emit: (f) => frames.push(f) });
const browsers = createBrowsers();
const options = {
  events: inst.events,
  resetJars: () => browsers.clear(),
  send: async (o: any) => browsers.send({ ...o, port: await inst.waitListening(5000), host: inst.host }),
  restart: async () => {
    await inst.start();
    await inst.waitListening(10_000);
  },
};

beforeAll(async () => {
  await inst.start({ entry: 'app.cjs' });
  await inst.waitListening(10_000);
});
afterAll(async () => {
  if (inst.running) await inst.stop();
});

describe('passing checks', () => {
  test('a session is set, read back in the same session, and stays per browser', async () => {
    const [result] = await runChecks({
      ...options,
      checks: [
        {
          id: 'per-browser',
          message: 'check.perBrowser',
          hint: 'hint.perBrowser',
          scenario: [
            {
              browser: 'A',
              path: '/set?name=Ana',
              expect: {
                status: 200,
                bodyIncludes: ['set Ana'],
                setsCookie: true,
                cookieAttributes: { HttpOnly: true, path: '/', SameSite: false, Expires: false, Secure: false },
                headers: { 'content-type': '^text/html', 'x-nope': null },
                storeSessions: 1,
              },
            },
            { browser: 'A', path: '/get', expect: { bodyIncludes: ['name=Ana'], setsCookie: false, sameSession: true, storeSessions: 1 } },
            { browser: 'B', path: '/get', expect: { bodyIncludes: ['No session data found'], bodyExcludes: ['Ana'], sameSession: false } },
            { browser: 'B', method: 'POST', path: '/login', form: { user: 'Bia' }, expect: { status: 302, location: '/profile', setsCookie: true } },
            { browser: 'B', path: '/profile', expect: { bodyMatches: '^Hello Bia$', storeSessions: 2, sameSession: true } },
          ],
        },
      ],
    });
    expect(result).toEqual({ id: 'per-browser', passed: true, message: 'check.perBrowser', detail: null });
  });

  test('each check starts with empty jars, and a restart empties a MemoryStore', async () => {
    const results = await runChecks({
      ...options,
      checks: [
        { id: 'first', message: 'm1', scenario: [{ path: '/set', expect: { setsCookie: true } }] },
        {
          id: 'second',
          message: 'm2',
          scenario: [
            { path: '/get', expect: { bodyIncludes: ['No session data found'] } },
            { path: '/set?name=Cy', expect: { setsCookie: true } },
            { restart: true },
            // The browser still holds the cookie; the session behind it is gone.
            { path: '/get', expect: { bodyIncludes: ['No session data found'], sameSession: false, storeSessions: 0 } },
          ],
        },
      ],
    });
    expect(results.map((r) => [r.id, r.passed, r.detail])).toEqual([
      ['first', true, null],
      ['second', true, null],
    ]);
    expect(frames.filter((f) => f.t === 'exit')).toHaveLength(1);
  });
});

describe('failing checks', () => {
  test('the first failing request stops the check and says what differed', async () => {
    const [sameSession, storeCount, statusAndLocation] = await runChecks({
      ...options,
      checks: [
        {
          id: 'same',
          message: 'm',
          hint: 'h',
          scenario: [{ path: '/set' }, { path: '/get', expect: { sameSession: false } }, { path: '/never-reached', expect: { status: 200 } }],
        },
        { id: 'count', message: 'm', scenario: [{ path: '/set', expect: { storeSessions: 5, setsCookie: false } }] },
        { id: 'redirect', message: 'm', scenario: [{ path: '/profile', expect: { status: 200, location: '/home', cookieAttributes: { HttpOnly: true } } }] },
      ],
    });

    expect(sameSession!.passed).toBe(false);
    expect(sameSession!.hint).toBe('h');
    expect(sameSession!.detail!.step).toBe(1);
    expect(sameSession!.detail!.request).toEqual({ browser: 'A', method: 'GET', path: '/get' });
    expect(sameSession!.detail!.expected).toEqual({ sameSession: false });
    const { previous, current } = sameSession!.detail!.actual.sameSession as { previous: string; current: string };
    expect(previous).toMatch(/^[\w-]{32}$/);
    expect(current).toBe(previous);

    expect(storeCount!.passed).toBe(false);
    expect(storeCount!.detail!.expected).toEqual({ storeSessions: 5, setsCookie: false });
    expect(storeCount!.detail!.actual.storeSessions).toBeGreaterThanOrEqual(1);
    expect((storeCount!.detail!.actual.setsCookie as string[])[0]).toMatch(/^connect\.sid=s%3A/);

    expect(statusAndLocation!.detail!.expected).toEqual({ status: 200, location: '/home', cookieAttributes: { HttpOnly: true } });
    expect(statusAndLocation!.detail!.actual).toEqual({ status: 302, location: '/login', cookieAttributes: null });
  });

  test('a request that gets no answer fails the check with the reason', async () => {
    const deadPort = await new Promise<number>((done) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => done(p));
      });
    });
    const [result] = await runChecks({
      ...options,
      send: (o: any) => browsers.send({ ...o, port: deadPort }),
      checks: [{ id: 'dead', message: 'm', scenario: [{ path: '/get', expect: { status: 200 } }] }],
    });
    expect(result).toMatchObject({ passed: false, detail: { step: 0, expected: { response: true }, actual: { error: { key: 'refused' } } } });
  });

  test('a restart that never listens fails the check instead of hanging', async () => {
    const [result] = await runChecks({
      ...options,
      restart: () => Promise.reject(Object.assign(new Error('the server exited'), { key: 'exited' })),
      checks: [{ id: 'restart', message: 'm', scenario: [{ path: '/get' }, { restart: true }, { path: '/get' }] }],
    });
    expect(result).toMatchObject({ passed: false, detail: { step: 1, actual: { restart: { key: 'exited' } } } });
  });
});
