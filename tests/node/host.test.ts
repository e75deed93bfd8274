// The host driven as a runtime drives it: a child process, commands on stdin, frames on stdout.
// Every way a lesson server can end must end in clear frames, and none may outlive the host.
import { describe, test, expect, afterEach } from 'vitest';
import { createServer, type Server } from 'node:net';
import { execFileSync } from 'node:child_process';
import { HostDriver, SURVIVES_NOTHING, alive, type Json } from './fixtures/inside/harness.ts';

let host: HostDriver | undefined;
let blocker: Server | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
  await new Promise((done) => (blocker ? blocker.close(done) : done(undefined)));
  blocker = undefined;
});

const start = (h: HostDriver, entry: string, env: Json = {}) => h.command('start', { entry, env });

describe('starting and talking to a lesson server', () => {
  test('hello, start, then readiness as the probe\'s listening event; requests and verify go through', async () => {
    host = new HostDriver();
    const hello = await host.waitFrame((f) => f.t === 'hello');
    expect(hello).toMatchObject({ version: 1, pid: host.proc.pid });

    const started = await start(host, 'app.cjs');
    expect(started).toMatchObject({ ok: true, result: { instance: 'main', port: expect.any(Number), pid: expect.any(Number) } });
    const listening = await host.waitFrame((f) => f.t === 'event' && f.event.type === 'listening');
    expect(listening).toMatchObject({ instance: 'main', event: { port: started.result.port } });
    await host.waitFrame((f) => f.t === 'out' && f.stream === 'stdout' && f.data.includes('listening'));

    const set = await host.command('request', { browser: 'A', path: '/set?name=Ana' });
    expect(set.ok).toBe(true);
    expect(set.result.hops[0].response.body).toBe('set Ana');
    const requestId = set.result.hops[0].requestId;
    await host.waitFrame((f) => f.t === 'event' && f.event.type === 'response' && f.event.requestId === requestId);
    const store = host.events('store').find((e) => e.requestId === requestId);
    expect(Object.values(store!.sessions)).toEqual([expect.objectContaining({ name: 'Ana' })]);

    const jar = await host.command('jar', { browser: 'A' });
    expect(jar.result.map((c: Json) => c.name)).toEqual(['connect.sid']);
    expect((await host.command('verify', { value: jar.result[0].value })).result).toMatchObject({ signature: 'valid' });

    const tampered = await host.command('setCookie', { browser: 'A', name: 'connect.sid', value: 's%3Aforged.signature' });
    expect(tampered.result[0]).toMatchObject({ name: 'connect.sid', value: 's%3Aforged.signature', httpOnly: true });
    expect((await host.command('verify', { value: 's%3Aforged.signature' })).result).toEqual({ signature: 'invalid' });
    expect((await host.command('clearJar', {})).result).toEqual({});
    expect((await host.command('jar', { browser: 'A' })).result).toEqual([]);

    const stopped = await host.command('stop');
    expect(stopped.result).toMatchObject({ instance: 'main', signal: 'SIGTERM' });
    expect(host.frames.filter((f) => f.t === 'exit')).toHaveLength(1);
  });

  test('two instances get their own ports; two starts at once leave one server', async () => {
    host = new HostDriver();
    const [a1, a2, b] = await Promise.all([
      start(host, 'app.cjs'),
      start(host, 'app.cjs'),
      host.command('start', { instance: 'second', entry: 'app.cjs' }),
    ]);
    expect(b.result.port).not.toBe(a1.result.port);
    expect(a2.result.port).toBe(a1.result.port);
    await host.waitFrame((f) => f.t === 'event' && f.instance === 'second' && f.event.type === 'listening');
    await host.waitFrame((f) => f.t === 'event' && f.instance === 'main' && f.event.type === 'listening');
    expect(host.frames.filter((f) => f.t === 'exit')).toEqual([expect.objectContaining({ instance: 'main', pid: a1.result.pid, requested: true })]);
    expect(alive(a1.result.pid)).toBe(false);
    expect(alive(a2.result.pid)).toBe(true);
    const viaSecond = await host.command('request', { instance: 'second', path: '/set?name=Two' });
    expect(viaSecond.result.hops[0].response.body).toBe('set Two');
  });

  test('bad and untimely commands get error replies', async () => {
    host = new HostDriver();
    expect((await host.command('dance')).error.key).toBe('badCommand');
    expect((await host.command('request', { path: '/' })).error.key).toBe('notRunning');
    expect((await host.command('stop')).error.key).toBe('notRunning');
    expect((await host.command('start', { entry: '../outside.js' })).error.key).toBe('badEntry');
    host.proc.stdin!.write('not json\n');
    await host.waitFrame((f) => f.t === 'reply' && f.id === null && f.error.key === 'badCommand');
  });

  test('check runs a step\'s checks, restart included', async () => {
    host = new HostDriver();
    await start(host, 'app.cjs');
    const reply = await host.command('check', {
      checks: [
        SURVIVES_NOTHING,
        { id: 'fails', message: 'msg.other', scenario: [{ browser: 'A', method: 'GET', path: '/get', follow: false, expect: { status: 404 } }] },
      ],
    });
    expect(reply.ok).toBe(true);
    expect(reply.result).toEqual([
      { id: 'survives-nothing', passed: true, message: 'msg.key', detail: null },
      {
        id: 'fails',
        passed: false,
        message: 'msg.other',
        detail: { step: 0, request: { browser: 'A', method: 'GET', path: '/get' }, expected: { status: 404 }, actual: { status: 200 } },
      },
    ]);
    // The learner's own jars are not touched by checks.
    expect((await host.command('jar', { browser: 'A' })).result).toEqual([]);
  });
});

describe('every way a server ends is a clear frame', () => {
  test('a syntax error in CommonJS: error event with file and line, then exit', async () => {
    host = new HostDriver();
    await start(host, 'syntax-error.cjs');
    const exit = await host.waitFrame((f) => f.t === 'exit');
    expect(exit).toMatchObject({ instance: 'main', code: 1 });
    const [error] = host.events('error');
    expect(error).toMatchObject({ kind: 'syntax', file: 'syntax-error.cjs', line: 3, column: expect.any(Number) });
    expect(error!.message).toMatch(/Unexpected token/);
    expect(host.events('listening')).toEqual([]);
  });

  test('a syntax error in an ES module: its location comes from what Node printed', async () => {
    host = new HostDriver();
    await start(host, 'syntax-error.mjs');
    await host.waitFrame((f) => f.t === 'exit');
    const error = await host.waitFrame((f) => f.t === 'event' && f.event.type === 'error');
    expect(error.event).toMatchObject({ kind: 'syntax', file: 'syntax-error.mjs', line: expect.any(Number) });
    expect(error.event.line).toBeGreaterThanOrEqual(4);
  });

  test('a throw at start-up: error event in the learner\'s file, then exit code 1', async () => {
    host = new HostDriver();
    await start(host, 'throw-at-start.cjs');
    const exit = await host.waitFrame((f) => f.t === 'exit');
    expect(exit.code).toBe(1);
    const [error] = host.events('error');
    expect(error).toMatchObject({ kind: 'uncaught', file: 'throw-at-start.cjs', line: 4 });
    expect(error!.message).toMatch(/Cannot read properties of undefined/);
    expect(error!.fromOutput).toBeUndefined();
  });

  test('a throw inside a handler is a 500 and the server keeps running', async () => {
    host = new HostDriver();
    await start(host, 'app.cjs');
    const boom = await host.command('request', { path: '/boom' });
    expect(boom.result.hops[0].response.status).toBe(500);
    const after = await host.command('request', { path: '/get' });
    expect(after.result.hops[0].response.status).toBe(200);
    expect(host.frames.some((f) => f.t === 'exit')).toBe(false);
  });

  test('process.exit(3) is an exit frame with code 3', async () => {
    host = new HostDriver();
    await start(host, 'exit-3.cjs');
    const exit = await host.waitFrame((f) => f.t === 'exit');
    expect(exit).toMatchObject({ instance: 'main', code: 3, signal: null });
    expect(host.frames.some((f) => f.t === 'out' && f.data.includes('leaving'))).toBe(true);
  });

  test('a port in use: portInUse error and notice, even though the app ignores the error', async () => {
    blocker = createServer();
    const port = await new Promise<number>((done) => blocker!.listen(0, () => done((blocker!.address() as { port: number }).port)));
    host = new HostDriver();
    await start(host, 'fixed-port.cjs', { FIXED_PORT: String(port) });
    const error = await host.waitFrame((f) => f.t === 'event' && f.event.type === 'error');
    expect(error.event).toMatchObject({ kind: 'portInUse', port });
    await host.waitFrame((f) => f.t === 'notice' && f.key === 'portInUse' && f.data.port === port);
    await host.waitFrame((f) => f.t === 'exit');
    expect(host.events('listening')).toEqual([]);
  });

  test('a flood of output is cut with one notice, and the host still answers', async () => {
    host = new HostDriver();
    await start(host, 'flood.cjs');
    await host.waitFrame((f) => f.t === 'notice' && f.key === 'outputTruncated');
    const asked = Date.now();
    const reply = await host.command('request', { path: '/' });
    expect(reply.result.hops[0].response.body).toBe('ok');
    expect(Date.now() - asked).toBeLessThan(2000);
    const relayed = host.frames.filter((f) => f.t === 'out').reduce((n, f) => n + f.data.length, 0);
    expect(relayed).toBeLessThan(3 * 256 * 1024);
    expect(host.frames.filter((f) => f.t === 'notice' && f.key === 'outputTruncated')).toHaveLength(1);
  });
});

describe('no lesson server outlives its host', () => {
  test('a SIGKILLed host leaves no server behind', async () => {
    host = new HostDriver();
    const started = await start(host, 'app.cjs');
    await host.waitFrame((f) => f.t === 'event' && f.event.type === 'listening');
    const pid: number = started.result.pid;
    expect(alive(pid)).toBe(true);
    host.proc.kill('SIGKILL');
    const deadline = Date.now() + 5000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(alive(pid)).toBe(false);
  });

  test('closing the host\'s stdin stops its servers and the host', async () => {
    host = new HostDriver();
    const started = await start(host, 'app.cjs');
    await host.waitFrame((f) => f.t === 'event' && f.event.type === 'listening');
    host.proc.stdin!.end();
    const code = await new Promise((done) => host!.proc.once('exit', done));
    expect(code).toBe(0);
    expect(alive(started.result.pid)).toBe(false);
  });
});

describe('a warm start (the standby process) behaves as a cold one', () => {
  /** Starts `entry` until it runs in the standby (ready shortly after a server listens or ends). */
  async function warmStart(h: HostDriver, entry: string): Promise<{ reply: Json; from: number }> {
    for (let attempt = 0; attempt < 40; attempt++) {
      const from = h.frames.length;
      const reply = await start(h, entry);
      if (reply.result.warm) return { reply, from };
      // This cold run's own end (by pid: the stopped previous run's exit frame also follows `from`) or listening.
      const pid = reply.result.pid;
      await h.waitFrame((f) => h.frames.indexOf(f) >= from && ((f.t === 'exit' && f.pid === pid) || (f.t === 'event' && f.event.type === 'listening')));
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${entry} never started warm`);
  }
  const framesFrom = (h: HostDriver, from: number) => h.frames.slice(from);

  test('the first start is cold; then CommonJS and ES module servers start warm and listen', async () => {
    host = new HostDriver();
    expect((await start(host, 'app.cjs')).result.warm).toBe(false);
    await host.waitFrame((f) => f.t === 'event' && f.event.type === 'listening');
    for (const entry of ['app.mjs', 'app.cjs']) {
      const { reply, from } = await warmStart(host, entry);
      const listening = await host.waitFrame((f) => framesFrom(host!, from).includes(f) && f.t === 'event' && f.event.type === 'listening');
      expect(listening.event.port).toBe(reply.result.port);
      const set = await host.command('request', { browser: 'A', path: '/set?name=Warm' });
      expect(set.result.hops[0].response.body).toBe('set Warm');
      // The probe's events travel apart from the HTTP reply: wait for this request's response event,
      // which the probe sends after the store write, as the cold test does.
      const requestId = set.result.hops[0].requestId;
      await host.waitFrame((f) => f.t === 'event' && f.event.type === 'response' && f.event.requestId === requestId);
      expect(host.events('store').some((e) => e.requestId === requestId)).toBe(true);
    }
  });

  test.each([
    ['syntax-error.cjs', { kind: 'syntax', file: 'syntax-error.cjs', line: 3 }],
    ['syntax-error.mjs', { kind: 'syntax', file: 'syntax-error.mjs' }],
    ['throw-at-start.cjs', { kind: 'uncaught', file: 'throw-at-start.cjs', line: 4 }],
  ])('%s fails warm exactly as cold: error event at the learner\'s line, exit code 1', async (entry, expected) => {
    host = new HostDriver();
    await start(host, 'app.cjs');
    await host.waitFrame((f) => f.t === 'event' && f.event.type === 'listening');
    const { from } = await warmStart(host, entry);
    const exit = await host.waitFrame((f) => framesFrom(host!, from).includes(f) && f.t === 'exit' && !f.requested);
    expect(exit.code).toBe(1);
    const error = await host.waitFrame((f) => framesFrom(host!, from).includes(f) && f.t === 'event' && f.event.type === 'error');
    expect(error.event).toMatchObject(expected);
  });

  test('no warm process outlives the host', async () => {
    host = new HostDriver();
    await start(host, 'app.cjs');
    await host.waitFrame((f) => f.t === 'event' && f.event.type === 'listening');
    const { from } = await warmStart(host, 'app.cjs');
    await host.waitFrame((f) => host!.frames.indexOf(f) >= from && f.t === 'event' && f.event.type === 'listening');
    // The server, and the next standby made once it listens: two children of the host.
    const children = () => execFileSync('ps', ['-o', 'pid=', '--ppid', String(host!.proc.pid)], { encoding: 'utf8' }).split('\n').map(Number).filter(Boolean);
    await expect.poll(() => children().length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    const pids = [host.proc.pid!, ...children()];
    await host.close();
    host = undefined;
    await expect.poll(() => pids.filter(alive), { timeout: 5000 }).toEqual([]);
  });
});
