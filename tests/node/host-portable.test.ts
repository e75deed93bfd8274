// The host as a WebContainer runs it (`host.mjs --portable`), on a Node that lacks what no one has
// seen work in a WebContainer: the stand-in's kernel preload in strict mode takes away fork's IPC
// channel, `--require` through execArgv, and AsyncLocalStorage across async work (see
// tests/webcontainer-standin/standin.ts for what it models and where that comes from). Readiness,
// probe events, request correlation, verify, crashes and stops must all still work, through
// launch.cjs and the probe's localhost HTTP line; the self-test must say what is missing.
import { afterEach, describe, expect, test } from 'vitest';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, HostDriver, LAB, SURVIVES_NOTHING, alive, type Json } from './fixtures/inside/harness.ts';

const KERNEL = join(import.meta.dirname, '../webcontainer-standin/kernel.cjs');
const STRICT = { NODE_OPTIONS: `--require ${KERNEL}`, STANDIN_STRICT: '1' };

let host: HostDriver | undefined;
let blocker: Server | undefined;
const folders: string[] = [];
afterEach(async () => {
  await host?.close();
  host = undefined;
  await new Promise((done) => (blocker ? blocker.close(done) : done(undefined)));
  blocker = undefined;
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const portable = (cwd = FIXTURES, hostPath?: string) => new HostDriver(cwd, STRICT, { args: ['--portable'], ...(hostPath ? { host: hostPath } : {}) });
const start = (h: HostDriver, entry: string, env: Json = {}) => h.command('start', { entry, env });

describe('a host that assumes no IPC, no --require and no async context', () => {
  test('its self-test says what is missing, and it starts servers without them', async () => {
    host = portable();
    const features = await host.waitFrame((f) => f.t === 'features');
    expect(features).toEqual({ t: 'features', transport: 'http', standby: false, features: { ipc: false, preload: false, asyncContext: false } });
  });

  test('readiness, requests matched to their store operations, verify, and a stop', async () => {
    host = portable();
    const started = await start(host, 'app.cjs');
    expect(started).toMatchObject({ ok: true, result: { warm: false } });
    const listening = await host.waitFrame((f) => f.t === 'event' && f.event.type === 'listening');
    expect(listening.event.port).toBe(started.result.port);

    const set = await host.command('request', { browser: 'A', path: '/set?name=Ana' });
    expect(set.result.hops[0].response.body).toBe('set Ana');
    const requestId = set.result.hops[0].requestId;
    const response = await host.waitFrame((f) => f.t === 'event' && f.event.type === 'response' && f.event.requestId === requestId);
    // The store's write belongs to this request, and its event came before the response's.
    const stored = host.frames.findIndex((f) => f.t === 'event' && f.event.type === 'store' && f.event.op === 'set' && f.event.requestId === requestId);
    expect(stored).toBeGreaterThan(-1);
    expect(stored).toBeLessThan(host.frames.indexOf(response));

    const get = await host.command('request', { browser: 'A', path: '/get' });
    const getId = get.result.hops[0].requestId;
    await host.waitFrame((f) => f.t === 'event' && f.event.type === 'response' && f.event.requestId === getId);
    expect(host.events('store').filter((e) => e.requestId === getId).map((e) => e.op)).toContain('get');

    const jar = await host.command('jar', { browser: 'A' });
    expect((await host.command('verify', { value: jar.result[0].value })).result).toMatchObject({ signature: 'valid' });
    expect((await host.command('verify', { value: 's%3Aforged.signature' })).result).toEqual({ signature: 'invalid' });

    const stopped = await host.command('stop');
    expect(stopped.ok).toBe(true);
    expect(host.frames.filter((f) => f.t === 'exit')).toEqual([expect.objectContaining({ instance: 'main', requested: true })]);
    expect(alive(started.result.pid)).toBe(false);
  });

  test('check with a restart', async () => {
    host = portable();
    await start(host, 'app.cjs');
    const reply = await host.command('check', {
      checks: [
        SURVIVES_NOTHING,
      ],
    });
    expect(reply.result).toEqual([{ id: 'survives-nothing', passed: true, message: 'msg.key', detail: null }]);
  });
});

describe('every way a server ends is still a clear frame', () => {
  test.each([
    ['syntax-error.cjs', { kind: 'syntax', file: 'syntax-error.cjs', line: 3 }],
    ['syntax-error.mjs', { kind: 'syntax', file: 'syntax-error.mjs' }],
    ['throw-at-start.cjs', { kind: 'uncaught', file: 'throw-at-start.cjs', line: 4 }],
  ])('%s: error event at the learner\'s line, exit code 1', async (entry, expected) => {
    host = portable();
    await start(host, entry);
    const exit = await host.waitFrame((f) => f.t === 'exit');
    expect(exit.code).toBe(1);
    const error = await host.waitFrame((f) => f.t === 'event' && f.event.type === 'error');
    expect(error.event).toMatchObject(expected);
    // What the learner reads names their file, never the lab's launcher.
    const printed = host.frames.filter((f) => f.t === 'out').map((f) => f.data).join('');
    expect(printed).toContain(entry);
    expect(printed).not.toMatch(/launch\.cjs:\d+\n/);
  });

  test('process.exit(3) and a port in use', async () => {
    host = portable();
    await start(host, 'exit-3.cjs');
    expect(await host.waitFrame((f) => f.t === 'exit')).toMatchObject({ code: 3, signal: null });

    blocker = createServer();
    const port = await new Promise<number>((done) => blocker!.listen(0, () => done((blocker!.address() as { port: number }).port)));
    await start(host, 'fixed-port.cjs', { FIXED_PORT: String(port) });
    const error = await host.waitFrame((f) => f.t === 'event' && f.event.type === 'error');
    expect(error.event).toMatchObject({ kind: 'portInUse', port });
  });

  test('a SIGKILLed host leaves no server behind (the probe\'s line closes)', async () => {
    host = portable();
    const started = await start(host, 'app.cjs');
    await host.waitFrame((f) => f.t === 'event' && f.event.type === 'listening');
    host.proc.kill('SIGKILL');
    await expect.poll(() => alive(started.result.pid), { timeout: 5000 }).toBe(false);
  });
});

describe('the lab keeps its own packages', () => {
  test('a package the learner\'s npm install pruned is copied back from the lab\'s copy before a start', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'session-lab-portable-'));
    folders.push(workspace);
    // The lab's folder as a WebContainer holds it: the scripts, and the snapshot's node_modules.
    const lab = join(workspace, '.lab');
    cpSync(LAB, lab, { recursive: true });
    const kept = join(lab, 'node_modules', 'lab-kept');
    mkdirSync(kept, { recursive: true });
    writeFileSync(join(kept, 'package.json'), JSON.stringify({ name: 'lab-kept', main: 'index.js' }));
    writeFileSync(join(kept, 'index.js'), "module.exports = 'kept by the lab';");
    // The request client's own package, as the snapshot brings it.
    symlinkSync(join(LAB, '../../node_modules/tough-cookie'), join(lab, 'node_modules', 'tough-cookie'));
    mkdirSync(join(workspace, 'node_modules'));
    writeFileSync(join(workspace, 'server.js'), "console.log(require('lab-kept'));\nrequire('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT));\n");
    host = portable(workspace, join(lab, 'host.mjs'));
    await start(host, 'server.js');
    await host.waitFrame((f) => f.t === 'event' && f.event.type === 'listening');
    expect(existsSync(join(workspace, 'node_modules', 'lab-kept', 'index.js'))).toBe(true);
    await host.waitFrame((f) => f.t === 'out' && f.data.includes('kept by the lab'));
  });
});
