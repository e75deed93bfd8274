// The request client against a real Express server: one jar per browser, redirects hop by hop,
// forms, the tamper demo, and failures that end in a result instead of a hang.
import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { createServer } from 'node:net';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startProbed, LAB, type Probed } from './fixtures/inside/harness.ts';
import { createBrowsers } from '../../lab/inside/client.mjs';

let server: Probed;
beforeAll(async () => {
  server = await startProbed('app.cjs');
});
afterAll(() => server.stop());

const CLIENT = join(LAB, 'client.mjs');
const header = (headers: [string, string][], name: string) => headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);

describe('browsers and their jars', () => {
  test('each browser keeps its own cookie: B never sees A\'s session', async () => {
    const b = createBrowsers();
    const port = server.port;
    const setA = await b.send({ browser: 'A', port, path: '/set?name=Ana' });
    expect(header(setA.hops[0]!.response!.headers, 'set-cookie')).toHaveLength(1);
    expect(setA.jar.map((c) => c.name)).toEqual(['connect.sid']);
    expect(setA.jar[0]).toMatchObject({ path: '/', httpOnly: true, secure: false, expires: null });

    const getB = await b.send({ browser: 'B', port, path: '/get' });
    expect(header(getB.hops[0]!.request.headers, 'cookie')).toEqual([]);
    expect(getB.hops[0]!.response!.body).toBe('No session data found');
    expect(await b.jar('B')).toEqual([]);

    const getA = await b.send({ browser: 'A', port, path: '/get' });
    expect(header(getA.hops[0]!.request.headers, 'cookie')[0]).toBe(`connect.sid=${setA.jar[0]!.value}`);
    expect(getA.hops[0]!.response!.body).toBe('name=Ana');

    await b.clear('A');
    expect(await b.jar('A')).toEqual([]);
  });

  test('"none" never stores nor sends cookies', async () => {
    const b = createBrowsers();
    const set = await b.send({ browser: 'none', port: server.port, path: '/set' });
    expect(header(set.hops[0]!.response!.headers, 'set-cookie')).toHaveLength(1);
    expect(set.jar).toEqual([]);
    const get = await b.send({ browser: 'none', port: server.port, path: '/get' });
    expect(header(get.hops[0]!.request.headers, 'cookie')).toEqual([]);
    expect(get.hops[0]!.response!.body).toBe('No session data found');
  });

  test('an unknown browser is refused', async () => {
    await expect(createBrowsers().send({ browser: 'C', port: server.port, path: '/' })).rejects.toThrow(/unknown browser/);
  });
});

describe('redirects and forms', () => {
  test('a POSTed form, then its redirect followed hop by hop (303/302 after POST becomes GET)', async () => {
    const b = createBrowsers();
    const r = await b.send({ browser: 'A', port: server.port, method: 'POST', path: '/login', form: { user: 'Bia Souza' }, follow: true });
    expect(r.error).toBeUndefined();
    expect(r.hops.map((h) => [h.request.method, h.request.path, h.response!.status])).toEqual([
      ['POST', '/login', 302],
      ['GET', '/profile', 200],
    ]);
    expect(header(r.hops[0]!.request.headers, 'content-type')).toEqual(['application/x-www-form-urlencoded']);
    expect(header(r.hops[0]!.response!.headers, 'location')).toEqual(['/profile']);
    // The cookie set by the first hop is sent on the second.
    expect(header(r.hops[1]!.request.headers, 'cookie')[0]).toMatch(/^connect\.sid=s%3A/);
    expect(r.hops[1]!.response!.body).toBe('Hello Bia Souza');
  });

  test('without follow, the redirect itself is the answer', async () => {
    const r = await createBrowsers().send({ browser: 'A', port: server.port, path: '/chain' });
    expect(r.hops).toHaveLength(1);
    expect(r.hops[0]!.response!.status).toBe(302);
  });

  test('a chain is followed to its end, and a loop stops after 10 redirects', async () => {
    const b = createBrowsers();
    const chain = await b.send({ browser: 'A', port: server.port, path: '/chain', follow: true });
    expect(chain.hops.map((h) => h.request.path)).toEqual(['/chain', '/chain2', '/get']);
    const loop = await b.send({ browser: 'A', port: server.port, path: '/loop', follow: true });
    expect(loop.error?.key).toBe('tooManyRedirects');
    expect(loop.hops).toHaveLength(11);
  });
});

describe('the tamper demo', () => {
  test('a changed cookie value keeps its attributes, and the server starts a new session', async () => {
    const b = createBrowsers();
    const port = server.port;
    const first = await b.send({ browser: 'A', port, path: '/set?name=Ana' });
    const original = first.jar[0]!;
    const firstRes = await server.waitFor((e) => e.type === 'response' && e.requestId === first.hops[0]!.requestId);

    const tamperedValue = original.value.replace(/\.(.)/, (_, c) => `.${c === 'A' ? 'B' : 'A'}`);
    const jar = await b.setCookie('A', 'connect.sid', tamperedValue);
    expect(jar).toEqual([{ ...original, value: tamperedValue }]);

    const after = await b.send({ browser: 'A', port, path: '/get' });
    expect(header(after.hops[0]!.request.headers, 'cookie')).toEqual([`connect.sid=${tamperedValue}`]);
    expect(after.hops[0]!.response!.body).toBe('No session data found');
    const res = await server.waitFor((e) => e.type === 'response' && e.requestId === after.hops[0]!.requestId);
    expect(res.sessionId).toMatch(/^[\w-]{32}$/);
    expect(res.sessionId).not.toBe(firstRes.sessionId);
    // A bad signature means the store is not even asked.
    expect(server.events.some((e) => e.type === 'store' && e.requestId === after.hops[0]!.requestId)).toBe(false);
  });
});

describe('failures end in a result', () => {
  test('a handler that never answers gives a timeout, not a hang', async () => {
    const started = Date.now();
    const r = await createBrowsers().send({ browser: 'A', port: server.port, path: '/hang', timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r.error?.key).toBe('timeout');
    expect(r.hops).toHaveLength(1);
    expect(r.hops[0]!.response).toBeNull();
  });

  test('nobody listening gives refused', async () => {
    const port = await new Promise<number>((done) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => done(p));
      });
    });
    const r = await createBrowsers().send({ browser: 'A', port, path: '/' });
    expect(r.error?.key).toBe('refused');
  });

  test('a handler that throws is a 500 answer, and the server goes on', async () => {
    const b = createBrowsers();
    const boom = await b.send({ browser: 'A', port: server.port, path: '/boom' });
    expect(boom.error).toBeUndefined();
    expect(boom.hops[0]!.response!.status).toBe(500);
    const next = await b.send({ browser: 'A', port: server.port, path: '/get' });
    expect(next.hops[0]!.response!.status).toBe(200);
  });
});

describe('the CLI, for the learner\'s terminal', () => {
  test('prints the exchange and the jar, and tells the probe it is the terminal', async () => {
    const out = await new Promise<string>((done) => {
      const child = spawn(process.execPath, [CLIENT, 'POST', '/login', '--form', 'user=Cy', '--follow', '--port', String(server.port)]);
      let text = '';
      child.stdout.on('data', (d) => (text += d));
      child.on('close', () => done(text));
    });
    expect(out).toMatch(/^> POST \/login$/m);
    expect(out).toMatch(/^< 302 Found/m);
    expect(out).toMatch(/^> GET \/profile$/m);
    expect(out).toContain('Hello Cy');
    expect(out).toMatch(/^ {2}connect\.sid=s%3A.+; HttpOnly$/m);
    const event = await server.waitFor((e) => e.type === 'request' && e.path === '/profile' && e.browser === 'terminal');
    expect(event.cookie).toMatch(/^connect\.sid=s%3A/);
  });
});
