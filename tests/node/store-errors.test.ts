// What a learner's client gets when the session store fails or is slow, with the real Express 5
// and express-session 1.x from node_modules (lessons 6, 7 and 9 teach it; their text says what
// these tests see).
//
// The store here is a stand-in for a store over the network (Redis, a database): a
// session.Store subclass whose methods answer asynchronously, fail with an error when told to,
// or wait for the test to let `set` finish. It models only the callback contract of the Store
// interface (express-session's README, "Session Store Implementation"); where the errors and
// the response go is express-session's own code (index.js: `store.get` → `next(err)` before the
// route; the end-of-response save in the `res.end` proxy calls `writetop()`, which writes the
// status line and headers, and hands a `set`/`touch` error to `next` with `defer`, i.e. after the
// response). It cannot prove what a particular store does when its server goes away (it may
// queue commands, or time out much later); only what express-session does with the error it gets.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import express from 'express';
import session from 'express-session';

type Callback = (error?: unknown) => void;
type GetCallback = (error: unknown, session?: session.SessionData | null) => void;

class TestStore extends session.Store {
  readonly data = new Map<string, string>();
  failing = new Set<'get' | 'set' | 'touch' | 'destroy'>();
  /** While set, `set` waits for it before storing (a slow store). */
  gate: Promise<void> | null = null;

  /** Answers on a later turn, as a store over the network does: the error, or what `work` gives. */
  private answer<T>(op: 'get' | 'set' | 'touch' | 'destroy', cb: (error: unknown, value?: T) => void, work: () => T) {
    setImmediate(() => {
      if (this.failing.has(op)) cb(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }));
      else cb(null, work());
    });
  }
  override get(sid: string, cb: GetCallback) {
    this.answer<session.SessionData | null>('get', cb, () => (this.data.has(sid) ? JSON.parse(this.data.get(sid)!) : null));
  }
  override set(sid: string, sess: session.SessionData, cb?: Callback) {
    const store = () => this.answer('set', cb ?? (() => {}), () => this.data.set(sid, JSON.stringify(sess)));
    if (this.gate) void this.gate.then(store);
    else store();
  }
  override touch(_sid: string, _sess: session.SessionData, cb?: Callback) {
    this.answer('touch', cb ?? (() => {}), () => undefined);
  }
  override destroy(sid: string, cb?: Callback) {
    this.answer('destroy', cb ?? (() => {}), () => this.data.delete(sid));
  }
}

declare module 'express-session' {
  interface SessionData {
    user: string;
    flash: string[];
  }
}

interface Seen {
  /** What the error handler got, and whether the response had already gone out. */
  errors: { message: string; headersSent: boolean }[];
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((done) => s.close(() => done(undefined)));
});

async function serve(store: TestStore): Promise<{ port: number; seen: Seen }> {
  const seen: Seen = { errors: [] };
  const app = express();
  app.use(session({ secret: 'a test secret, long enough for a course', resave: false, saveUninitialized: false, store }));
  // Left to the end-of-response save.
  app.get('/auto-save', (req, res) => {
    req.session.user = 'ada';
    res.send('saved, or so it says');
  });
  // Saved before answering.
  app.get('/save-first', (req, res, next) => {
    req.session.user = 'ada';
    req.session.save((error) => {
      if (error) {
        next(error);
        return;
      }
      res.send('saved');
    });
  });
  // A flash message and a redirect: the next page reads it.
  app.get('/flash-and-redirect', (req, res) => {
    req.session.flash = ['You are now logged in.'];
    res.redirect(303, '/next');
  });
  app.get('/next', (req, res) => {
    res.send(req.session.flash?.join() || 'no message');
  });
  app.get('/read', (req, res) => {
    res.send(req.session.user ? `user=${req.session.user}` : 'nobody');
  });
  // The error handler of lesson 9: never the error's text, 503 while the store is down.
  app.use((error: Error, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    seen.errors.push({ message: error.message, headersSent: res.headersSent });
    if (res.headersSent) {
      next(error);
      return;
    }
    res.status(503).send('Sessions are unavailable right now. Please try again in a minute.');
  });
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((done) => server.once('listening', done));
  return { port: (server.address() as AddressInfo).port, seen };
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The connection was closed before the body ended. */
  cut: boolean;
}

/** One GET; `onHeaders` runs when the status line and headers arrive, before the body ends. */
function get(port: number, path: string, cookie?: string, onHeaders?: (res: http.IncomingMessage) => void): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, headers: cookie ? { cookie } : {} }, (res) => {
      onHeaders?.(res);
      let body = '';
      let cut = false;
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('aborted', () => (cut = true));
      res.on('error', () => (cut = true));
      res.on('close', () => done({ status: res.statusCode ?? 0, headers: res.headers, body, cut: cut || !res.complete }));
    });
    req.on('error', fail);
  });
}

const sessionCookie = (a: Answer) => a.headers['set-cookie']?.[0]?.split(';')[0];

describe('a store that fails', () => {
  test('get: the error reaches the error handler before the route runs, so the client gets its answer (503 here)', async () => {
    const store = new TestStore();
    const { port, seen } = await serve(store);
    const cookie = sessionCookie(await get(port, '/save-first'));
    expect(cookie).toMatch(/^connect\.sid=s%3A/);
    store.failing.add('get');
    const answer = await get(port, '/read', cookie);
    expect(answer.status).toBe(503);
    expect(answer.body).not.toContain('ECONNREFUSED');
    expect(seen.errors).toEqual([{ message: 'connect ECONNREFUSED 127.0.0.1:6379', headersSent: false }]);
  });

  test('set, in the end-of-response save: the client gets its 200 and the whole body; the error comes after, with the headers sent', async () => {
    const store = new TestStore();
    store.failing.add('set');
    const { port, seen } = await serve(store);
    const answer = await get(port, '/auto-save');
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('saved, or so it says');
    // It even got the cookie of a session that was never stored.
    expect(sessionCookie(answer)).toMatch(/^connect\.sid=s%3A/);
    expect(store.data.size).toBe(0);
    await expect.poll(() => seen.errors).toEqual([{ message: 'connect ECONNREFUSED 127.0.0.1:6379', headersSent: true }]);
  });

  test('set, saved with req.session.save(cb) before answering: the route learns of it and the client gets the 503', async () => {
    const store = new TestStore();
    store.failing.add('set');
    const { port, seen } = await serve(store);
    const answer = await get(port, '/save-first');
    expect(answer.status).toBe(503);
    expect(answer.body).toBe('Sessions are unavailable right now. Please try again in a minute.');
    expect(seen.errors).toEqual([{ message: 'connect ECONNREFUSED 127.0.0.1:6379', headersSent: false }]);
  });

  test('touch, for an unchanged session: the client gets its 200; the error comes after, with the headers sent', async () => {
    const store = new TestStore();
    const { port, seen } = await serve(store);
    const cookie = sessionCookie(await get(port, '/save-first'));
    store.failing.add('touch');
    const answer = await get(port, '/read', cookie);
    expect(answer).toMatchObject({ status: 200, body: 'user=ada' });
    await expect.poll(() => seen.errors).toEqual([{ message: 'connect ECONNREFUSED 127.0.0.1:6379', headersSent: true }]);
  });
});

describe('a slow store', () => {
  test('a redirect goes out before the automatic save: a browser that follows it at once finds the message not there yet', async () => {
    const store = new TestStore();
    const { port } = await serve(store);
    const cookie = sessionCookie(await get(port, '/save-first'))!;
    let release!: () => void;
    store.gate = new Promise((done) => (release = done));
    let next: Promise<Answer> | undefined;
    // Follow the redirect the moment its status and Location arrive, as a browser may.
    const redirect = get(port, '/flash-and-redirect', cookie, (res) => {
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/next');
      next = get(port, '/next', cookie);
    });
    await expect.poll(() => next).toBeDefined();
    expect((await next!).body).toBe('no message');
    release();
    expect((await redirect).status).toBe(303);
    // Once the slow save is done, the message is there, one page too late.
    expect((await get(port, '/next', cookie)).body).toBe('You are now logged in.');
  });
});
