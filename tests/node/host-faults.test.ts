// The learner's faults the host tells apart (lab/README.md, "Learner faults"): a server stuck in a
// loop (at start-up, in a route) is busy, not crashed and not "not listening"; a server that runs
// out of its bounded heap says so; on the local runner a server that names no host listens on
// loopback only.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { HostDriver, alive } from './fixtures/inside/harness.ts';

let host: HostDriver | undefined;
const dir = mkdtempSync(join(tmpdir(), 'host-faults-'));
afterEach(async () => {
  await host?.close();
  host = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a busy server (its event loop blocked)', () => {
  it('a loop before listen: a busy notice while it spins, requests told so at once, unblocked once it stops', async () => {
    const flag = join(dir, 'stop-spinning');
    host = new HostDriver();
    const started = await host.command('start', { entry: 'loop-at-start.cjs', env: { LOOP_UNTIL: flag } });
    const busy = await host.waitFrame((f) => f.t === 'notice' && f.key === 'busy', 15_000);
    expect(busy).toMatchObject({ instance: 'main', data: { since: expect.any(Number), ms: expect.any(Number) } });
    expect(busy.data.ms).toBeGreaterThanOrEqual(2000);
    // It neither ended nor listened: the process is alive and spinning.
    expect(host.frames.some((f) => f.t === 'exit')).toBe(false);
    expect(alive(started.result.pid)).toBe(true);
    const asked = Date.now();
    const request = await host.command('request', { path: '/', timeoutMs: 20_000 });
    expect(request.ok).toBe(true);
    expect(request.result.error).toMatchObject({ key: 'busy', ms: expect.any(Number) });
    // Said at once, not after the request's 20 s wait for `listening`.
    expect(Date.now() - asked).toBeLessThan(10_000);

    writeFileSync(flag, '');
    const unblocked = await host.waitFrame((f) => f.t === 'notice' && f.key === 'unblocked', 15_000);
    expect(unblocked.data.ms).toBeGreaterThanOrEqual(2000);
    await host.waitFrame((f) => f.t === 'event' && f.event.type === 'listening');
    expect((await host.command('request', { path: '/' })).result.hops[0].response.body).toBe('ok');
  });

  it('a loop in a route: the request that times out says busy, not "did not answer"; a restart ends it', async () => {
    host = new HostDriver();
    const first = await host.command('start', { entry: 'loop-in-route.cjs' });
    await host.waitFrame((f) => f.t === 'event' && f.event.type === 'listening');
    expect((await host.command('request', { path: '/' })).result.hops[0].response.body).toBe('ok');
    expect(host.frames.some((f) => f.t === 'notice' && f.key === 'busy')).toBe(false);

    const spin = await host.command('request', { path: '/spin', timeoutMs: 6000 });
    expect(spin.result.error).toMatchObject({ key: 'busy' });
    expect(spin.result.hops).toHaveLength(1);
    expect(host.frames.some((f) => f.t === 'notice' && f.key === 'busy')).toBe(true);
    expect(host.frames.some((f) => f.t === 'exit')).toBe(false);

    const restarted = await host.command('restart');
    expect(restarted.ok).toBe(true);
    expect(alive(first.result.pid)).toBe(false);
    await host.waitFrame((f) => f.t === 'event' && f.event.type === 'listening' && host!.frames.indexOf(f) > host!.frames.indexOf(restarted));
    expect((await host.command('request', { path: '/' })).result.error).toBeUndefined();
  });
});

describe('the local runner\'s bounds on a lesson server', () => {
  it('a heap exhausted within SESSION_LAB_HEAP_MB ends with an outOfMemory error event', async () => {
    host = new HostDriver(undefined, { SESSION_LAB_HEAP_MB: '64' });
    await host.command('start', { entry: 'hog.cjs' });
    const exit = await host.waitFrame((f) => f.t === 'exit', 30_000);
    expect(exit.requested).toBe(false);
    const error = await host.waitFrame((f) => f.t === 'event' && f.event.type === 'error');
    expect(error.event).toMatchObject({ kind: 'outOfMemory', limitMb: 64, fromOutput: true });
  });

  it('with SESSION_LAB_LISTEN_HOST, app.listen(PORT) listens on loopback; a host the learner named is kept', async () => {
    host = new HostDriver(undefined, { SESSION_LAB_LISTEN_HOST: '127.0.0.1' });
    await host.command('start', { entry: 'app.cjs' });
    const listening = await host.waitFrame((f) => f.t === 'event' && f.event.type === 'listening');
    expect(listening.event.address).toBe('127.0.0.1');
    expect((await host.command('request', { path: '/set?name=Lo' })).result.hops[0].response.body).toBe('set Lo');

    const from = host.frames.length;
    await host.command('start', { entry: 'named-host.cjs' });
    const named = await host.waitFrame((f) => host!.frames.indexOf(f) >= from && f.t === 'event' && f.event.type === 'listening');
    expect(named.event.address).toBe('0.0.0.0');
  });

  it('without it (a WebContainer), app.listen(PORT) is left as Node makes it', async () => {
    host = new HostDriver();
    await host.command('start', { entry: 'app.cjs' });
    const listening = await host.waitFrame((f) => f.t === 'event' && f.event.type === 'listening');
    expect(listening.event.address).not.toBe('127.0.0.1');
  });
});
