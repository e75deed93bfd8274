// The probe inside a real lesson server (real express, real express-session): what it reports
// for each store and for `require` and `import`, that the app never sees its header, that it
// verifies signatures, and that it leaves the process as it found it.
import { describe, test, expect, afterEach } from 'vitest';
import { fork, spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProbed, FIXTURES, PROBE, type Probed, type Json } from './fixtures/inside/harness.ts';
import { createBrowsers } from '../../lab/inside/client.mjs';

let server: Probed | undefined;
let tempDir: string | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  tempDir = undefined;
});

const cases = [
  { store: 'memory', entry: 'app.cjs' },
  { store: 'memory', entry: 'app.mjs' },
  { store: 'file', entry: 'app.cjs' },
  { store: 'file', entry: 'app.mjs' },
  { store: 'custom', entry: 'app.cjs' },
  { store: 'custom', entry: 'app.mjs' },
  { store: 'memorystore', entry: 'app.cjs' },
];

describe.each(cases)('a session\'s life with the $store store ($entry)', ({ store, entry }) => {
  test('set, read and destroy show as request, store and response events', async () => {
    const env: Record<string, string> = { STORE: store };
    if (store === 'file') env.SESSION_DIR = tempDir = mkdtempSync(join(tmpdir(), 'session-lab-files-'));
    server = await startProbed(entry, env);
    const s = server;
    const browsers = createBrowsers();
    const send = (path: string) => browsers.send({ browser: 'A', port: s.port, path });
    const eventsOf = (requestId: string) => s.events.filter((e) => e.requestId === requestId);
    const responseOf = (requestId: string) => s.waitFor((e) => e.type === 'response' && e.requestId === requestId);

    // 1. The first request stores data and gets the cookie.
    const first = await send('/set?name=Ana');
    expect(first.hops[0]!.response!.body).toBe('set Ana');
    const id1 = first.hops[0]!.requestId;
    const res1 = await responseOf(id1);
    const sid: string = res1.sessionId;
    expect(sid).toMatch(/^[\w-]{32}$/);
    expect(res1.status).toBe(200);
    expect(res1.setCookie).toHaveLength(1);
    expect(res1.setCookie[0]).toMatch(new RegExp(`^connect\\.sid=s%3A${sid}\\.`));
    const req1 = eventsOf(id1).find((e) => e.type === 'request')!;
    expect(req1).toMatchObject({ browser: 'A', method: 'GET', path: '/set?name=Ana', cookie: null });
    const set = eventsOf(id1).find((e) => e.type === 'store' && e.op === 'set')!;
    expect(set.sessionId).toBe(sid);
    expect(Object.keys(set.sessions)).toEqual([sid]);
    expect(set.sessions[sid]).toMatchObject({ name: 'Ana', cookie: { path: '/', httpOnly: true } });
    // The probe orders a request's store events before its response event.
    expect(s.events.indexOf(set)).toBeLessThan(s.events.indexOf(res1));
    if (store === 'file') expect(readdirSync(tempDir!)).toEqual([`${sid}.json`]);

    // 2. The second request sends the cookie and reads the same session.
    const second = await send('/get');
    expect(second.hops[0]!.response!.body).toBe('name=Ana');
    const id2 = second.hops[0]!.requestId;
    const res2 = await responseOf(id2);
    expect(res2.sessionId).toBe(sid);
    expect(res2.setCookie).toEqual([]);
    expect(eventsOf(id2).find((e) => e.type === 'request')!.cookie).toMatch(new RegExp(`connect\\.sid=s%3A${sid}\\.`));
    const get = eventsOf(id2).find((e) => e.type === 'store' && e.op === 'get')!;
    expect(get).toMatchObject({ sessionId: sid, found: true });
    expect(get.sessions[sid]).toMatchObject({ name: 'Ana' });

    // 3. Destroy empties the store; express-session sends no Set-Cookie for it.
    const third = await send('/destroy');
    expect(third.hops[0]!.response!.body).toBe('destroyed');
    const id3 = third.hops[0]!.requestId;
    const res3 = await responseOf(id3);
    expect(res3.setCookie).toEqual([]);
    const destroy = eventsOf(id3).find((e) => e.type === 'store' && e.op === 'destroy')!;
    expect(destroy.sessionId).toBe(sid);
    expect(destroy.sessions).toEqual({});
    if (store === 'file') expect(readdirSync(tempDir!)).toEqual([]);
  });
});

describe('regenerate', () => {
  test('shows the old session destroyed and the new id, then the new session saved', async () => {
    server = await startProbed('app.cjs');
    const s = server;
    const browsers = createBrowsers();
    const first = await browsers.send({ browser: 'A', port: s.port, path: '/set?name=Ana' });
    const oldId = (await s.waitFor((e) => e.type === 'response' && e.requestId === first.hops[0]!.requestId)).sessionId;
    const second = await browsers.send({ browser: 'A', port: s.port, path: '/regenerate' });
    const requestId = second.hops[0]!.requestId;
    const response = await s.waitFor((e) => e.type === 'response' && e.requestId === requestId);
    const newId = response.sessionId;
    expect(newId).not.toBe(oldId);
    const ops = s.events.filter((e) => e.type === 'store' && e.requestId === requestId);
    expect(ops.map((e) => [e.op, e.sessionId])).toEqual([
      ['get', oldId],
      ['destroy', oldId],
      ['regenerate', newId],
      ['set', newId],
    ]);
    expect(ops[2]).toMatchObject({ previousSessionId: oldId, sessions: {} });
    expect(Object.keys(ops[3]!.sessions)).toEqual([newId]);
    expect(response.setCookie[0]).toContain(`s%3A${newId}.`);
  });
});

describe('the probe stays out of the app\'s way', () => {
  test('the correlation header never reaches the app', async () => {
    server = await startProbed('app.cjs');
    const result = await createBrowsers().send({ browser: 'B', port: server.port, path: '/headers' });
    const seen = JSON.parse(result.hops[0]!.response!.body);
    expect(seen.headers).toHaveProperty('user-agent', 'session-lab');
    expect(Object.keys(seen.headers)).not.toContain('x-session-lab');
    expect(seen.rawHeaders.map((h: string) => h.toLowerCase())).not.toContain('x-session-lab');
    expect(seen.rawHeaders.length % 2).toBe(0);
    const event = await server.waitFor((e) => e.type === 'request' && e.path === '/headers');
    expect(event).toMatchObject({ browser: 'B', requestId: result.hops[0]!.requestId });
  });

  test('a request without the header (the preview) gets browser "preview" and its own ids', async () => {
    server = await startProbed('app.cjs');
    const port = server.port;
    const get = () =>
      new Promise<void>((done, fail) =>
        httpRequest({ host: '127.0.0.1', port, path: '/get' }, (res) => res.resume().on('end', done)).on('error', fail).end(),
      );
    await get();
    await get();
    await server.waitFor((e) => e.type === 'response' && e.requestId === 'p2');
    const requests = server.events.filter((e) => e.type === 'request');
    expect(requests.map((e) => [e.browser, e.requestId])).toEqual([
      ['preview', 'p1'],
      ['preview', 'p2'],
    ]);
  });

  test('a script that has nothing left to do still ends', async () => {
    const child = fork(join(FIXTURES, 'ends-alone.cjs'), [], { cwd: FIXTURES, execArgv: ['--require', PROBE], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    const code = await new Promise((done) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        done('still running');
      }, 5000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        done(c);
      });
    });
    expect(code).toBe(0);
  });

  test('without an IPC channel the probe does nothing at all', async () => {
    const run = (ipc: boolean) =>
      new Promise<string>((done) => {
        const opts = { cwd: FIXTURES, execArgv: ['--require', PROBE], stdio: ['ignore', 'pipe', 'inherit', ...(ipc ? ['ipc'] : [])] } as const;
        const file = join(FIXTURES, 'own-emit.cjs');
        const child = ipc ? fork(file, [], opts as any) : spawn(process.execPath, ['--require', PROBE, file], opts as any);
        let out = '';
        child.stdout!.on('data', (d) => (out += d));
        child.on('close', () => done(out.trim()));
      });
    expect(await run(true)).toBe('true');
    expect(await run(false)).toBe('false');
  });
});

describe('signature verification', () => {
  test('unknown before the server has used its secret, then valid or invalid', async () => {
    server = await startProbed('app.cjs');
    expect(await server.verify('s%3Aabc.def')).toMatchObject({ signature: 'unknown' });

    const browsers = createBrowsers();
    const first = await browsers.send({ browser: 'A', port: server.port, path: '/set' });
    const cookie = first.jar.find((c) => c.name === 'connect.sid')!;
    const res = await server.waitFor((e) => e.type === 'response' && e.requestId === first.hops[0]!.requestId);

    const valid = await server.verify(cookie.value);
    expect(valid).toMatchObject({ signature: 'valid', sessionId: res.sessionId });
    expect(await server.verify(decodeURIComponent(cookie.value))).toMatchObject({ signature: 'valid', sessionId: res.sessionId });

    // One character of the id changed: the HMAC no longer matches.
    const raw = decodeURIComponent(cookie.value);
    const tampered = raw.slice(0, 2) + (raw[2] === 'a' ? 'b' : 'a') + raw.slice(3);
    const invalid: Json = await server.verify(tampered);
    expect(invalid.signature).toBe('invalid');
    expect(invalid).not.toHaveProperty('sessionId');
    expect((await server.verify('plain-value')).signature).toBe('invalid');
    // The secret itself never leaves the process.
    expect(JSON.stringify(server.events)).not.toContain('a test secret');
  });
});
