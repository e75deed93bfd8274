import { afterEach, describe, expect, it, vi } from 'vitest';
import { HostCommandError, connectHost, startHost, type HostClient } from '../../site/runtime/host-client.ts';
import type { Command } from '../../lab/protocol/host.ts';
import { RuntimeError, type BootProgress, type LabScript, type RuntimeProcess } from '../../site/runtime/types.ts';

const RS = '\x1e';

/** A host process we drive by hand: frames in, commands out. */
function fakeHost() {
  let controller!: ReadableStreamDefaultController<string>;
  const output = new ReadableStream<string>({
    start(c) {
      controller = c;
    },
  });
  let resolveExit!: (code: number) => void;
  const exit = new Promise<number>((resolve) => {
    resolveExit = resolve;
  });
  const written: string[] = [];
  let killed = 0;
  const process: RuntimeProcess = {
    output,
    exit,
    async write(text) {
      written.push(text);
    },
    kill() {
      killed += 1;
    },
  };
  return {
    process,
    frame: (value: object) => controller.enqueue(`${RS}${JSON.stringify(value)}\n`),
    raw: (text: string) => controller.enqueue(text),
    end(code: number) {
      controller.close();
      resolveExit(code);
    },
    exitOnly: (code: number) => resolveExit(code),
    commands: () => written.map((line) => JSON.parse(line) as Command),
    get killed() {
      return killed;
    },
  };
}
type FakeHost = ReturnType<typeof fakeHost>;

/** Lets the client's reader take what was enqueued. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

async function connected(options: Parameters<typeof connectHost>[1] = {}): Promise<{ host: FakeHost; client: HostClient }> {
  const host = fakeHost();
  const { api, ready } = connectHost(host.process, { drainMs: 20, ...options });
  host.frame({ t: 'hello', version: 1, pid: 10 });
  await ready(1_000);
  return { host, client: api };
}

async function nextCommand(host: FakeHost, count: number): Promise<Command> {
  await vi.waitFor(() => expect(host.commands().length).toBeGreaterThanOrEqual(count), { timeout: 1_000, interval: 1 });
  return host.commands()[count - 1] as Command;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('host client: start-up', () => {
  it('spawns node with the runtime\'s path of host.mjs and resolves on hello', async () => {
    const host = fakeHost();
    const spawned: [string, string[]][] = [];
    const runtime = {
      labScript: (name: LabScript) => `/home/lab/.lab/${name}`,
      async spawn(command: string, args: string[]) {
        spawned.push([command, args]);
        return host.process;
      },
    };
    const starting = startHost(runtime, { helloTimeoutMs: 1_000 });
    await settle();
    host.raw('some banner\r\n');
    host.frame({ t: 'hello', version: '1.0', pid: 77 });
    const client = await starting;
    expect(spawned).toEqual([['node', ['/home/lab/.lab/host.mjs']]]);
    expect(client.hello).toEqual({ version: '1.0', pid: 77 });
  });

  it('passes the runtime\'s host arguments, and reports what the host\'s self-test found', async () => {
    const host = fakeHost();
    const spawned: string[][] = [];
    const runtime = {
      labScript: (name: LabScript) => `/w/.lab/${name}`,
      hostArgs: ['--portable'],
      async spawn(_command: string, args: string[]) {
        spawned.push(args);
        return host.process;
      },
    };
    const starting = startHost(runtime, { helloTimeoutMs: 1_000 });
    await settle();
    host.frame({ t: 'hello', version: 1, pid: 7 });
    const client = await starting;
    expect(spawned).toEqual([['/w/.lab/host.mjs', '--portable']]);
    expect(client.features).toBeNull();
    const seen: unknown[] = [];
    client.onFeatures((found) => seen.push(found));
    host.frame({ t: 'features', transport: 'http', standby: false, features: { ipc: false, preload: true, asyncContext: false, extra: true } });
    await vi.waitFor(() => expect(seen).toHaveLength(1), { timeout: 1_000, interval: 1 });
    const expected = { transport: 'http', standby: false, features: { ipc: false, preload: true, asyncContext: false } };
    expect(seen).toEqual([expected]);
    expect(client.features).toEqual(expected);
  });

  it('a host that never says hello ends in hostStartTimeout, and is killed', async () => {
    const host = fakeHost();
    const runtime = { labScript: (name: LabScript) => name, spawn: async () => host.process };
    const error = await startHost(runtime, { helloTimeoutMs: 30 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as RuntimeError).key).toBe('runtime.error.hostStartTimeout');
    expect(host.killed).toBe(1);
  });

  it('a host that dies before hello ends in hostExited', async () => {
    const host = fakeHost();
    const runtime = { labScript: (name: LabScript) => name, spawn: async () => host.process };
    const starting = startHost(runtime, { helloTimeoutMs: 5_000 });
    await settle();
    host.raw('Error: Cannot find module host.mjs\n');
    host.end(1);
    await expect(starting).rejects.toMatchObject({ key: 'runtime.error.hostExited' });
  });
});

describe('host client: commands', () => {
  it('matches replies to commands by id, in any order', async () => {
    const { host, client } = await connected();
    const a = client.request({ browser: 'A', method: 'GET', path: '/a' });
    const b = client.request({ browser: 'B', method: 'GET', path: '/b' });
    const first = await nextCommand(host, 1);
    const second = await nextCommand(host, 2);
    expect(first).toMatchObject({ op: 'request', browser: 'A', path: '/a' });
    expect(second).toMatchObject({ op: 'request', browser: 'B', path: '/b' });
    expect(first.id).not.toBe(second.id);
    host.frame({ t: 'reply', id: second.id, ok: true, result: { status: 302 } });
    host.frame({ t: 'reply', id: 999, ok: true, result: { status: 500 } }); // nobody's
    host.frame({ t: 'reply', id: first.id, ok: true, result: { status: 200 } });
    await expect(a).resolves.toEqual({ status: 200 });
    await expect(b).resolves.toEqual({ status: 302 });
  });

  it('a command without a reply in time rejects with commandTimeout; a late reply is ignored', async () => {
    const { host, client } = await connected({ timeouts: { jar: 40 } });
    const jar = client.jar('A');
    const command = await nextCommand(host, 1);
    const error = await jar.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimeError);
    expect(error).toMatchObject({ key: 'runtime.error.commandTimeout', detail: { op: 'jar' } });
    host.frame({ t: 'reply', id: command.id, ok: true, result: [] });
    await settle();
    // still usable
    const again = client.jar('B');
    const next = await nextCommand(host, 2);
    host.frame({ t: 'reply', id: next.id, ok: true, result: [{ name: 'connect.sid', value: 's:x' }] });
    await expect(again).resolves.toEqual([{ name: 'connect.sid', value: 's:x' }]);
  });

  it('a request\'s own timeout extends its budget', async () => {
    vi.useFakeTimers();
    const host = fakeHost();
    const { api, ready } = connectHost(host.process, { timeouts: { request: 1_000 } });
    host.frame({ t: 'hello', version: 1, pid: 1 });
    await vi.advanceTimersByTimeAsync(0);
    await ready(100);
    const request = api.request({ browser: 'A', method: 'GET', path: '/slow', timeoutMs: 20_000 });
    const outcome = vi.fn();
    request.then(outcome, outcome);
    await vi.advanceTimersByTimeAsync(20_500);
    expect(outcome).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(600);
    expect(outcome).toHaveBeenCalledWith(expect.objectContaining({ key: 'runtime.error.commandTimeout' }));
  });

  it('ok: false rejects with the host\'s message key', async () => {
    const { host, client } = await connected();
    const start = client.start({ entry: 'server.js' });
    const command = await nextCommand(host, 1);
    host.frame({ t: 'reply', id: command.id, ok: false, error: { key: 'entryMissing', message: 'no server.js' } });
    const error = await start.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostCommandError);
    expect(error).toMatchObject({ op: 'start', key: 'entryMissing' });
  });

  it('sends the documented fields for every command', async () => {
    const { host, client } = await connected();
    const calls: Promise<unknown>[] = [
      client.start({ instance: 'main', entry: 'app.js', env: { PORT: '3000' } }),
      client.stop('main'),
      client.restart(),
      client.request({ browser: 'none', method: 'POST', path: '/login', form: { user: 'ana' }, follow: true }),
      client.jar('A'),
      client.setCookie('A', 'connect.sid', 's:tampered'),
      client.clearJar(),
      client.check([{ id: 'sets-cookie', message: 'm', scenario: [{ browser: 'A', method: 'GET', path: '/', follow: false, expect: {} }] }]),
      client.verify('s:abc.def'),
    ];
    for (let i = 1; i <= calls.length; i++) {
      const command = await nextCommand(host, i);
      host.frame({ t: 'reply', id: command.id, ok: true, result: command.op === 'stop' ? { instance: 'main', code: 0, signal: null } : {} });
    }
    await Promise.all(calls);
    const sent = host.commands().map(({ id: _id, ...rest }) => rest);
    expect(sent).toEqual([
      { op: 'start', instance: 'main', entry: 'app.js', env: { PORT: '3000' } },
      { op: 'stop', instance: 'main' },
      { op: 'restart' },
      { op: 'request', browser: 'none', method: 'POST', path: '/login', form: { user: 'ana' }, follow: true },
      { op: 'jar', browser: 'A' },
      { op: 'setCookie', browser: 'A', name: 'connect.sid', value: 's:tampered' },
      { op: 'clearJar' },
      { op: 'check', checks: [expect.objectContaining({ id: 'sets-cookie' })] },
      { op: 'verify', value: 's:abc.def' },
    ]);
  });
});

describe('host client: queue', () => {
  it('runs start/stop/restart one at a time; requests wait for them and overlap each other', async () => {
    const { host, client } = await connected();
    const start = client.start();
    const restart = client.restart();
    const r1 = client.request({ browser: 'A', method: 'GET', path: '/1' });
    const r2 = client.request({ browser: 'A', method: 'GET', path: '/2' });
    const first = await nextCommand(host, 1);
    await settle();
    expect(host.commands().map((c) => c.op)).toEqual(['start']); // restart waits for start's reply
    host.frame({ t: 'reply', id: first.id, ok: true, result: { instance: 'main', port: 3000, pid: 1 } });
    const second = await nextCommand(host, 2);
    expect(second.op).toBe('restart');
    await settle();
    expect(host.commands()).toHaveLength(2); // requests wait for the restart
    host.frame({ t: 'reply', id: second.id, ok: true, result: { instance: 'main', port: 3000, pid: 2 } });
    const third = await nextCommand(host, 3);
    const fourth = await nextCommand(host, 4);
    expect([third.op, fourth.op]).toEqual(['request', 'request']); // both sent before any reply
    host.frame({ t: 'reply', id: fourth.id, ok: true, result: { status: 2 } });
    host.frame({ t: 'reply', id: third.id, ok: true, result: { status: 1 } });
    await expect(Promise.all([start, restart, r1, r2])).resolves.toEqual([
      { instance: 'main', port: 3000, pid: 1 },
      { instance: 'main', port: 3000, pid: 2 },
      { status: 1 },
      { status: 2 },
    ]);
  });

  it('a failed lifecycle command does not block the ones after it', async () => {
    const { host, client } = await connected();
    const start = client.start();
    const stop = client.stop();
    const first = await nextCommand(host, 1);
    host.frame({ t: 'reply', id: first.id, ok: false, error: { key: 'portInUse', message: '' } });
    await expect(start).rejects.toBeInstanceOf(HostCommandError);
    const second = await nextCommand(host, 2);
    host.frame({ t: 'reply', id: second.id, ok: true, result: { instance: 'main', code: 0, signal: null } });
    await expect(stop).resolves.toEqual({ instance: 'main', code: 0, signal: null });
  });
});

describe('host client: readiness and crashes', () => {
  it('is ready only on the probe\'s listening event, never on output text', async () => {
    const { host, client } = await connected();
    const output = vi.fn();
    client.onOutput(output);
    const ready = vi.fn();
    const started = client.start();
    const command = await nextCommand(host, 1);
    host.frame({ t: 'reply', id: command.id, ok: true, result: { instance: 'main', port: 3000, pid: 5 } });
    await started;
    void client.whenListening('main').then(ready);
    host.frame({ t: 'out', instance: 'main', stream: 'stdout', data: 'Server listening on http://localhost:3000\n' });
    host.raw('listening\r\n');
    host.frame({ t: 'event', instance: 'other', event: { type: 'listening', port: 4000 } });
    host.frame({ t: 'event', instance: 'main', event: { type: 'request', requestId: 'r1', browser: 'A', method: 'GET', path: '/', cookie: null } });
    await settle();
    await settle();
    expect(output).toHaveBeenCalledWith('main', 'stdout', 'Server listening on http://localhost:3000\n');
    expect(ready).not.toHaveBeenCalled();
    expect(client.listeningPort('main')).toBeUndefined();
    host.frame({ t: 'event', instance: 'main', event: { type: 'listening', port: 3000 } });
    await vi.waitFor(() => expect(ready).toHaveBeenCalledWith(3000), { timeout: 1_000, interval: 1 });
    expect(client.listeningPort('main')).toBe(3000);
    await expect(client.whenListening('main')).resolves.toBe(3000); // already known
  });

  it('startAndWait reports the server and ready steps', async () => {
    const { host, client } = await connected();
    const steps: BootProgress[] = [];
    const running = client.startAndWait({}, { onStep: (step) => steps.push(step), timeoutMs: 1_000 });
    const command = await nextCommand(host, 1);
    host.frame({ t: 'reply', id: command.id, ok: true, result: { instance: 'main', port: 3000, pid: 5 } });
    host.frame({ t: 'event', instance: 'main', event: { type: 'listening', port: 3000 } });
    await expect(running).resolves.toEqual({ instance: 'main', port: 3000, pid: 5 });
    expect(steps.map((s) => s.step)).toEqual(['server', 'server', 'server', 'ready']);
    expect(steps.at(-1)).toEqual({ step: 'ready', progress: 1 });
  });

  it('a server that exits before listening is reported as a crash', async () => {
    const { host, client } = await connected();
    const exits = vi.fn();
    client.onExit(exits);
    const running = client.startAndWait({}, { timeoutMs: 1_000 });
    const command = await nextCommand(host, 1);
    host.frame({ t: 'reply', id: command.id, ok: true, result: { instance: 'main', port: 3000, pid: 5 } });
    host.frame({ t: 'out', instance: 'main', stream: 'stderr', data: 'SyntaxError: Unexpected token\n' });
    host.frame({ t: 'exit', instance: 'main', code: 1, signal: null });
    const error = await running.catch((e: unknown) => e);
    expect(error).toMatchObject({ key: 'runtime.error.serverCrashed', step: 'server', detail: { instance: 'main', code: 1 } });
    expect(exits).toHaveBeenCalledWith('main', 1, null, false);
    // and asking again, without a new start, says the same at once
    await expect(client.whenListening()).rejects.toMatchObject({ key: 'runtime.error.serverCrashed' });
  });

  it('a restart: the old run\'s exit (before the reply) is not the new run\'s crash', async () => {
    const { host, client } = await connected();
    const started = client.startAndWait({}, { timeoutMs: 1_000 });
    const first = await nextCommand(host, 1);
    host.frame({ t: 'reply', id: first.id, ok: true, result: { instance: 'main', port: 3000, pid: 1 } });
    host.frame({ t: 'event', instance: 'main', event: { type: 'listening', port: 3000 } });
    await started;
    const restarted = client.restart();
    const second = await nextCommand(host, 2);
    expect(client.listeningPort()).toBeUndefined(); // not the old run's port any more
    host.frame({ t: 'exit', instance: 'main', code: null, signal: 'SIGTERM', pid: 1, requested: true });
    host.frame({ t: 'reply', id: second.id, ok: true, result: { instance: 'main', port: 3000, pid: 2 } });
    await restarted;
    const ready = client.whenListening('main', { timeoutMs: 1_000 });
    host.frame({ t: 'event', instance: 'main', event: { type: 'listening', port: 3000 } });
    await expect(ready).resolves.toBe(3000);
    // an earlier run's end reported late changes nothing
    host.frame({ t: 'exit', instance: 'main', code: 0, signal: null, pid: 1 });
    await settle();
    expect(client.listeningPort()).toBe(3000);
  });

  it('a new run that dies before the start reply is a crash once the reply names its pid', async () => {
    const { host, client } = await connected();
    const running = client.startAndWait({}, { timeoutMs: 1_000 });
    const command = await nextCommand(host, 1);
    host.frame({ t: 'exit', instance: 'main', code: 1, signal: null, pid: 7 });
    host.frame({ t: 'reply', id: command.id, ok: true, result: { instance: 'main', port: 3000, pid: 7 } });
    await expect(running).rejects.toMatchObject({ key: 'runtime.error.serverCrashed', detail: { code: 1 } });
  });

  it('a start the host refuses rejects whoever waits for listening with the host\'s error', async () => {
    const { host, client } = await connected();
    const start = client.start({ entry: 'nope.js' });
    const ready = client.whenListening('main', { timeoutMs: 1_000 });
    const command = await nextCommand(host, 1);
    host.frame({ t: 'reply', id: command.id, ok: false, error: { key: 'badEntry', message: '' } });
    await expect(start).rejects.toMatchObject({ key: 'badEntry' });
    await expect(ready).rejects.toBeInstanceOf(HostCommandError);
    await expect(client.whenListening()).rejects.toMatchObject({ key: 'badEntry' });
  });

  it('a stopped server is stopped, not crashed', async () => {
    const { host, client } = await connected();
    const exits = vi.fn();
    client.onExit(exits);
    const stop = client.stop();
    const command = await nextCommand(host, 1);
    host.frame({ t: 'exit', instance: 'main', code: null, signal: 'SIGTERM', pid: 4, requested: true });
    host.frame({ t: 'reply', id: command.id, ok: true, result: { instance: 'main', code: null, signal: 'SIGTERM' } });
    await stop;
    expect(exits).toHaveBeenCalledWith('main', null, 'SIGTERM', true);
    await expect(client.whenListening()).rejects.toMatchObject({ key: 'runtime.error.serverStopped' });
  });

  it('waiting for listening has its own timeout', async () => {
    const { client } = await connected();
    await expect(client.whenListening('main', { timeoutMs: 20 })).rejects.toMatchObject({ key: 'runtime.error.serverTimeout' });
  });

  it('when the host process dies: frames already written arrive, pending commands reject, onHostExit fires', async () => {
    const { host, client } = await connected();
    const events: string[] = [];
    client.onNotice((instance, key) => events.push(`notice:${instance}:${key}`));
    client.onHostExit((code) => events.push(`host-exit:${code}`));
    const request = client.request({ browser: 'A', method: 'GET', path: '/' });
    await nextCommand(host, 1);
    host.frame({ t: 'notice', instance: 'main', key: 'outputTruncated' });
    host.end(137);
    const error = await request.catch((e: unknown) => e);
    expect(error).toMatchObject({ key: 'runtime.error.hostExited', detail: { code: 137 } });
    expect(events).toEqual(['notice:main:outputTruncated', 'host-exit:137']);
    expect(client.closed).toBe(true);
    await expect(client.jar('A')).rejects.toMatchObject({ key: 'runtime.error.hostExited' });
  });

  it('a host exit whose output never closes still ends (bounded drain)', async () => {
    const { host, client } = await connected({ drainMs: 10 });
    const ended = new Promise<number | null>((resolve) => client.onHostExit(resolve));
    host.exitOnly(1);
    await expect(ended).resolves.toBe(1);
  });

  it('a listener that throws does not stop the reader', async () => {
    const thrown: unknown[] = [];
    const { host, client } = await connected({ onListenerError: (error) => thrown.push(error) });
    client.onOutput(() => {
      throw new Error('listener bug');
    });
    const seen = vi.fn();
    client.onOutput(seen);
    host.frame({ t: 'out', instance: 'main', stream: 'stdout', data: 'one' });
    host.frame({ t: 'out', instance: 'main', stream: 'stdout', data: 'two' });
    await vi.waitFor(() => expect(seen).toHaveBeenCalledTimes(2), { timeout: 1_000, interval: 1 });
    expect(thrown).toHaveLength(2);
  });

  it('close kills the host and rejects what waits', async () => {
    const { host, client } = await connected();
    const request = client.request({ browser: 'A', method: 'GET', path: '/' });
    await nextCommand(host, 1);
    const closing = client.close();
    await expect(request).rejects.toMatchObject({ key: 'runtime.error.disposed' });
    host.end(143);
    await closing;
    expect(host.killed).toBe(1);
  });
});
