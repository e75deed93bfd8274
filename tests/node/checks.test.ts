// Checks against a real lesson server started by instance.mjs (the host's own supervisor): what
// passes, what fails, and that a failure says in plain data what was expected and seen.
import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, PROBE, HostDriver, type Json } from './fixtures/inside/harness.ts';
import { Instance } from '../../lab/inside/instance.mjs';
import { createBrowsers } from '../../lab/inside/client.mjs';
import { runChecks } from '../../lab/inside/checks.mjs';
import type { ScenarioStepInput } from '../../lab/protocol/checks.ts';

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

describe('the vocabulary of the stores and security lessons', () => {
  test('storeOps lists what the store was asked, in order; a forged cookie asks it nothing', async () => {
    const [ops, tamper] = await runChecks({
      ...options,
      jar: (b: string) => browsers.jar(b),
      setCookie: (b: string, name: string, value: string) => browsers.setCookie(b, name, value),
      checks: [
        {
          id: 'ops',
          message: 'm',
          scenario: [
            { path: '/set', expect: { storeOps: ['set'] } },
            // Unchanged, resave: false, and MemoryStore implements touch.
            { path: '/get', expect: { storeOps: ['get', 'touch'] } },
            { browser: 'B', path: '/get', expect: { storeOps: [] } },
          ],
        },
        {
          id: 'tamper',
          message: 'm',
          scenario: [
            { path: '/set?name=Eve', expect: { setsCookie: true } },
            { tamper: { browser: 'A' } },
            // A signature that does not verify is no cookie at all: a new, empty session, and the store is not asked.
            { path: '/get', expect: { bodyIncludes: ['No session data found'], sameSession: false, storeOps: [] } },
          ],
        },
      ],
    });
    expect(ops).toMatchObject({ passed: true, detail: null });
    expect(tamper).toMatchObject({ passed: true, detail: null });
  });

  test('tamper forges one character of the signature, or sets the value given; no cookie to tamper with fails', async () => {
    const { forgeSignature } = await import('../../lab/inside/checks.mjs');
    expect(forgeSignature('s%3Aabc.Xyz')).toBe('s%3Aabc.Ayz');
    expect(forgeSignature('s%3Aabc.Ayz')).toBe('s%3Aabc.Byz');
    expect(forgeSignature('plain')).toBe('plaiA');

    const [given, none, mismatch] = await runChecks({
      ...options,
      jar: (b: string) => browsers.jar(b),
      setCookie: (b: string, name: string, value: string) => browsers.setCookie(b, name, value),
      checks: [
        {
          id: 'given',
          message: 'm',
          scenario: [
            { path: '/set' },
            { tamper: { browser: 'A', cookie: 'connect.sid', value: 's%3Aforged.sig' } },
            { path: '/get', expect: { bodyIncludes: ['No session data found'] } },
          ],
        },
        { id: 'none', message: 'm', scenario: [{ path: '/get' }, { tamper: { browser: 'B' } }, { path: '/get' }] },
        {
          id: 'mismatch',
          message: 'm',
          scenario: [{ path: '/set' }, { tamper: { browser: 'A' } }, { path: '/get', expect: { sameSession: true, storeOps: ['get'] } }],
        },
      ],
    });
    expect(given).toMatchObject({ passed: true });
    expect(none).toMatchObject({ passed: false, detail: { step: 1, expected: { tamper: { browser: 'B', cookie: 'the session cookie' } }, actual: { tamper: null, cookies: [] } } });
    expect(mismatch!.detail!.expected).toEqual({ sameSession: true, storeOps: ['get'] });
    expect(mismatch!.detail!.actual.storeOps).toEqual([]);
  });

  test('clearsCookie: the cookie is deleted and gone from the browser; a deletion on another path leaves it', async () => {
    const [cleared, destroyedOnly, wrongPath] = await runChecks({
      ...options,
      checks: [
        {
          id: 'cleared',
          message: 'm',
          scenario: [
            { method: 'POST', path: '/login', form: { user: 'Ana' } },
            { method: 'POST', path: '/logout', expect: { status: 303, clearsCookie: true, location: '/login' } },
            { path: '/profile', expect: { location: '/login', setsCookie: false } },
          ],
        },
        { id: 'destroyed-only', message: 'm', scenario: [{ path: '/set' }, { path: '/destroy', expect: { clearsCookie: true } }] },
        { id: 'wrong-path', message: 'm', scenario: [{ path: '/set' }, { method: 'POST', path: '/logout?path=/elsewhere', expect: { clearsCookie: true } }] },
      ],
    });
    expect(cleared).toMatchObject({ passed: true });
    expect(destroyedOnly).toMatchObject({ passed: false, detail: { expected: { clearsCookie: true } } });
    expect((destroyedOnly!.detail!.actual.clearsCookie as Json).stillInBrowser[0]).toMatch(/^connect\.sid=s%3A/);
    expect(wrongPath).toMatchObject({ passed: false, detail: { expected: { clearsCookie: true } } });
    expect((wrongPath!.detail!.actual.clearsCookie as Json).setCookie[0]).toMatch(/^connect\.sid=; Path=\/elsewhere/);

    const [notCleared] = await runChecks({
      ...options,
      checks: [{ id: 'not', message: 'm', scenario: [{ path: '/set' }, { method: 'POST', path: '/logout', expect: { clearsCookie: false } }] }],
    });
    expect(notCleared).toMatchObject({ passed: false, detail: { expected: { clearsCookie: false } } });
  });

  test('extra request headers reach the app (what a proxy adds) but never replace the client\'s own', async () => {
    const [result] = await runChecks({
      ...options,
      checks: [
        {
          id: 'headers',
          message: 'm',
          scenario: [
            {
              path: '/headers',
              headers: { 'x-forwarded-proto': 'https', cookie: 'connect.sid=s%3Asmuggled', host: 'evil.example' },
              expect: { bodyIncludes: ['"x-forwarded-proto":"https"'], bodyExcludes: ['smuggled', 'evil.example'] },
            },
          ],
        },
      ],
    });
    expect(result).toMatchObject({ passed: true, detail: null });
  });
});

describe('the vocabulary of the course\'s wrong answers', () => {
  const withJar = {
    jar: (b: string) => browsers.jar(b),
    setCookie: (b: string, name: string, value: string) => browsers.setCookie(b, name, value),
  };

  test('signWith re-signs the session id with the given secret: the app\'s own is accepted, another is refused', async () => {
    const { signWith } = await import('../../lab/inside/checks.mjs');
    // express-session signs s:<id> with HMAC-SHA256, base64 without "=", URL-encoded (cookie-signature).
    const { createHmac } = await import('node:crypto');
    const id = 'ZuE4nQ8hR3m0T1YwX2Lk9bVp7sDq6aCf';
    const mac = createHmac('sha256', 'old secret').update(id).digest('base64').replace(/=+$/, '');
    expect(signWith(`s%3A${id}.whatever`, 'old secret')).toBe(encodeURIComponent(`s:${id}.${mac}`));
    expect(signWith('not-signed', 'old secret')).toBeNull();

    const [own, other] = await runChecks({
      ...options,
      ...withJar,
      checks: [
        {
          id: 'own',
          message: 'm',
          scenario: [
            { path: '/set?name=Ana', expect: { setsCookie: true } },
            { tamper: { browser: 'A', signWith: 'a test secret, long enough for a course' } },
            { path: '/get', expect: { bodyIncludes: ['name=Ana'], sameSession: true } },
          ],
        },
        {
          id: 'other',
          message: 'm',
          scenario: [
            { path: '/set?name=Ana', expect: { setsCookie: true } },
            { tamper: { browser: 'A', signWith: 'thisisnotagoodsecret' } },
            { path: '/get', expect: { bodyIncludes: ['name=Ana'], sameSession: true } },
          ],
        },
      ],
    });
    expect(own).toMatchObject({ passed: true });
    expect(other).toMatchObject({ passed: false, detail: { step: 2, expected: { bodyIncludes: ['name=Ana'], sameSession: true } } });
  });

  test('sessionExcludes looks at any depth of the stored session, and fails when the session is not stored', async () => {
    const [clean, leaked, absent] = await runChecks({
      ...options,
      checks: [
        { id: 'clean', message: 'm', scenario: [{ path: '/set-user', expect: { sessionExcludes: ['password'] } }] },
        { id: 'leaked', message: 'm', scenario: [{ path: '/set-user?password=demo', expect: { sessionExcludes: ['password', 'flash'] } }] },
        { id: 'absent', message: 'm', scenario: [{ browser: 'B', path: '/get', expect: { sessionExcludes: ['password'] } }] },
      ],
    });
    expect(clean).toMatchObject({ passed: true });
    expect(leaked).toMatchObject({ passed: false, detail: { expected: { sessionExcludes: ['password', 'flash'] }, actual: { sessionExcludes: ['user.password'] } } });
    expect(absent).toMatchObject({ passed: false, detail: { actual: { sessionExcludes: { session: null } } } });
  });

  test('sessionStored: the session this request ended with is (or is not) in the store afterwards', async () => {
    const [kept, destroyed, wrong] = await runChecks({
      ...options,
      checks: [
        { id: 'kept', message: 'm', scenario: [{ path: '/set', expect: { sessionStored: true } }] },
        { id: 'destroyed', message: 'm', scenario: [{ path: '/set' }, { path: '/destroy', expect: { sessionStored: false } }] },
        { id: 'wrong', message: 'm', scenario: [{ path: '/set' }, { path: '/get', expect: { sessionStored: false } }] },
      ],
    });
    expect(kept).toMatchObject({ passed: true });
    expect(destroyed).toMatchObject({ passed: true });
    expect(wrong).toMatchObject({ passed: false, detail: { expected: { sessionStored: false }, actual: { sessionStored: { stored: true } } } });
  });

  test('cookieLifetime reads Expires against the response date; a browser-session cookie has none', async () => {
    const [week, seconds, browserSession] = await runChecks({
      ...options,
      checks: [
        { id: 'week', message: 'm', scenario: [{ path: `/remember?ms=${7 * 24 * 3600 * 1000}`, expect: { cookieLifetime: { min: 7 * 24 * 3600 - 2, max: 7 * 24 * 3600 + 2 } } }] },
        // A lifetime written in seconds where milliseconds were meant: 3600 ms.
        { id: 'seconds', message: 'm', scenario: [{ path: '/remember?ms=3600', expect: { cookieLifetime: { min: 900 } } }] },
        { id: 'browser-session', message: 'm', scenario: [{ path: '/set', expect: { cookieLifetime: { min: 1 } } }] },
      ],
    });
    expect(week).toMatchObject({ passed: true });
    expect(seconds).toMatchObject({ passed: false, detail: { expected: { cookieLifetime: { min: 900 } } } });
    expect((seconds!.detail!.actual.cookieLifetime as Json).seconds).toBeLessThanOrEqual(5);
    expect(browserSession).toMatchObject({ passed: false, detail: { actual: { cookieLifetime: { seconds: null } } } });
  });

  test('clearsCookie holds a deletion to the flags the cookie was set with, even one the browser would honour', async () => {
    const [missingFlag] = await runChecks({
      ...options,
      checks: [{ id: 'flag', message: 'm', scenario: [{ path: '/set' }, { method: 'POST', path: '/logout?httponly=0', expect: { clearsCookie: true } }] }],
    });
    expect(missingFlag).toMatchObject({ passed: false, detail: { expected: { clearsCookie: true } } });
    const actual = missingFlag!.detail!.actual.clearsCookie as Json;
    // The browser did let go of it: the flag, not the deletion, is what failed.
    expect(actual.stillInBrowser).toEqual([]);
    expect(actual.differs).toEqual(['HttpOnly']);
    expect(actual.sessionCookie).toMatch(/^connect\.sid=s%3A.*HttpOnly/);
  });

  test('OPTIONS goes out as a preflight with the headers a browser sends', async () => {
    const [result] = await runChecks({
      ...options,
      checks: [
        {
          id: 'preflight',
          message: 'm',
          scenario: [
            {
              method: 'OPTIONS',
              path: '/set',
              headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
              // Express answers OPTIONS itself with the methods the path has; no session is made.
              expect: { status: 200, headers: { allow: 'GET' }, setsCookie: false, storeOps: [] },
            },
          ],
        },
      ],
    });
    expect(result).toMatchObject({ passed: true, detail: null });
  });
});

describe('a second server of the same app', () => {
  const dirs: string[] = [];
  const extra: Instance[] = [];
  afterAll(async () => {
    for (const i of extra) if (i.running) await i.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** Check options over a server of its own (STORE, SESSION_DIR) and `start` that forks more like it. */
  async function serverWith(env: Record<string, string>) {
    const own = new Instance({ name: 'main', cwd: FIXTURES, probePath: PROBE, emit: () => {} });
    extra.push(own);
    await own.start({ entry: 'app.cjs', env });
    await own.waitListening(10_000);
    const stopped: string[] = [];
    const sendTo = (i: Instance) => async (o: any) => browsers.send({ ...o, port: await i.waitListening(5000), host: i.host });
    const others = new Map<string, Instance>();
    return {
      stopped,
      others,
      options: {
        events: own.events,
        resetJars: () => browsers.clear(),
        send: sendTo(own),
        restart: async () => {
          await own.start();
          await own.waitListening(10_000);
        },
        start: async (name: string, more: Record<string, string>) => {
          const other = others.get(name) ?? new Instance({ name, cwd: FIXTURES, probePath: PROBE, emit: () => {} });
          others.set(name, other);
          extra.push(other);
          await other.start({ entry: 'app.cjs', env: { ...env, ...more } });
          await other.waitListening(10_000);
          return { send: sendTo(other), events: other.events };
        },
        stop: async (name: string) => {
          stopped.push(name);
          await others.get(name)?.stop();
        },
      },
    };
  }

  const acrossServers: ScenarioStepInput[] = [
    { path: '/set?name=Ana', expect: { setsCookie: true } },
    { start: { instance: 'second' } },
    // Cookies ignore ports: Browser A sends the same cookie to the second server.
    { instance: 'second', path: '/get', expect: { bodyIncludes: ['name=Ana'], sameSession: true, storeOps: ['get', 'touch'] } },
    { path: '/get', expect: { bodyIncludes: ['name=Ana'], sameSession: true } },
  ];

  test('each with its own MemoryStore, the session is not on the other server; the check stops the server it started', async () => {
    const { options: o, stopped, others } = await serverWith({ STORE: 'memory' });
    const [result] = await runChecks({ ...o, checks: [{ id: 'two', message: 'm', hint: 'h', scenario: acrossServers }] });
    expect(result).toMatchObject({
      passed: false,
      hint: 'h',
      detail: { step: 2, request: { browser: 'A', method: 'GET', path: '/get', instance: 'second' }, expected: { bodyIncludes: ['name=Ana'] } },
    });
    expect(stopped).toEqual(['second']);
    expect(others.get('second')!.running).toBe(false);
  });

  test('sharing one file store folder, the session is on both servers; a request to a server never started fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'two-servers-'));
    dirs.push(dir);
    const { options: o, stopped } = await serverWith({ STORE: 'file', SESSION_DIR: dir });
    const [shared, unknown] = await runChecks({
      ...o,
      checks: [
        { id: 'shared', message: 'm', scenario: acrossServers },
        { id: 'unknown', message: 'm', scenario: [{ instance: 'third', path: '/get' }] },
      ],
    });
    expect(shared).toMatchObject({ passed: true, detail: null });
    expect(unknown).toMatchObject({ passed: false, detail: { step: 0, expected: { instance: 'started by an earlier step: third' }, actual: { instance: null } } });
    expect(stopped).toEqual(['second']);
  });

  test('through the host: the second server gets the learner\'s entry and env, and is stopped after the check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'two-servers-host-'));
    dirs.push(dir);
    const host = new HostDriver();
    try {
      const started = await host.command('start', { entry: 'app.cjs', env: { STORE: 'file', SESSION_DIR: dir } });
      expect(started.ok).toBe(true);
      await host.waitFrame((f) => f.t === 'event' && f.event.type === 'listening');
      const reply = await host.command(
        'check',
        {
          checks: [
            { id: 'shared', message: 'm', scenario: acrossServers },
            { id: 'self', message: 'm', scenario: [{ start: { instance: 'main' } }] },
            {
              id: 'forged',
              message: 'm',
              scenario: [{ path: '/set' }, { tamper: { browser: 'A' } }, { path: '/get', expect: { bodyIncludes: ['No session data found'], storeOps: [] } }],
            },
          ],
        },
        60_000,
      );
      expect(reply.ok, JSON.stringify(reply)).toBe(true);
      const [shared, self, forged] = reply.result as Json[];
      expect(shared).toMatchObject({ passed: true });
      expect(self).toMatchObject({ passed: false, detail: { step: 0, actual: { start: { instance: 'main', key: 'badCommand' } } } });
      expect(forged).toMatchObject({ passed: true });
      await host.waitFrame((f) => f.t === 'exit' && f.instance === 'second' && f.requested === true);
      expect(host.frames.filter((f) => f.t === 'exit' && f.instance === 'main')).toEqual([]);
      // The learner's own jars are untouched by checks, tamper included.
      expect((await host.command('jar', { browser: 'A' })).result).toEqual([]);
    } finally {
      await host.close();
    }
  });
});
