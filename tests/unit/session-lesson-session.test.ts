// The lesson session against a fake Runtime whose `node host.mjs` is a scripted host speaking the
// real frame protocol, so the real host client runs in between. The scripted host decides how a
// start goes from the entry file's text in the fake workspace: `SYNTAX` → a syntax error (probe
// error event, then an unrequested exit), `NEVER_LISTEN` → runs without listening, else it listens.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLessonSession, type LessonSession, type LessonSessionDeps, type SessionState } from '../../site/workbench/session/session.ts';
import type { LessonPayload } from '../../site/workbench/lesson-data.ts';
import type { Command } from '../../lab/protocol/host.ts';
import { RuntimeError, type BootListener, type Runtime, type RuntimeKind, type RuntimeProcess } from '../../site/runtime/types.ts';


const RS = '\x1e';

/** A host process: reads commands, answers with frames, as lab/inside/host.mjs would. */
class ScriptedHost {
  readonly commands: Command[] = [];
  readonly output: ReadableStream<string>;
  readonly exit: Promise<number>;
  killed = false;
  #out!: ReadableStreamDefaultController<string>;
  #resolveExit!: (code: number) => void;
  #rejectExit!: (error: Error) => void;
  #ended = false;
  #pid = 100;
  #running: number | null = null;
  #port = 40_100;

  private readonly workspace: () => Record<string, string>;

  constructor(workspace: () => Record<string, string>) {
    this.workspace = workspace;
    this.output = new ReadableStream<string>({
      start: (controller) => {
        this.#out = controller;
      },
    });
    this.exit = new Promise((resolve, reject) => {
      this.#resolveExit = resolve;
      this.#rejectExit = reject;
    });
    this.exit.catch(() => {});
    queueMicrotask(() => this.frame({ t: 'hello', version: 1, pid: 9 }));
  }

  frame(value: object): void {
    if (!this.#ended) this.#out.enqueue(`${RS}${JSON.stringify(value)}\n`);
  }

  process(): RuntimeProcess {
    return {
      output: this.output,
      exit: this.exit,
      write: async (text) => {
        for (const line of text.split('\n').filter(Boolean)) this.handle(JSON.parse(line) as Command);
      },
      kill: () => {
        this.killed = true;
        this.end(143);
      },
    };
  }

  /** The host process dies. */
  end(code: number): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#out.close();
    this.#resolveExit(code);
  }

  /** The runtime loses the host (e.g. the runner suspended the workspace): exit rejects. */
  lost(error: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#out.close();
    this.#rejectExit(error);
  }

  /** A host notice about the main server (`busy`, `unblocked`, …). */
  notice(key: string, data: unknown = {}): void {
    this.frame({ t: 'notice', instance: 'main', key, data });
  }

  /** The main server reports `listening` (a stuck one that got going after all). */
  listen(): void {
    this.frame({ t: 'event', instance: 'main', event: { type: 'listening', port: this.#port, address: '127.0.0.1', time: 1 } });
  }

  /** The running server crashes on its own. */
  crash(message = 'boom'): void {
    const pid = this.#running;
    if (pid === null) return;
    this.#running = null;
    this.frame({ t: 'event', instance: 'main', event: { type: 'error', kind: 'uncaught', message, file: 'server.js', line: 7, column: 3, stack: '', time: 1 } });
    this.frame({ t: 'exit', instance: 'main', code: 1, signal: null, pid, requested: false });
  }

  private stopRunning(): void {
    if (this.#running === null) return;
    this.frame({ t: 'exit', instance: 'main', code: null, signal: 'SIGTERM', pid: this.#running, requested: true });
    this.#running = null;
  }

  private handle(command: Command): void {
    this.commands.push(command);
    const reply = (result: unknown) => this.frame({ t: 'reply', id: command.id, ok: true, result });
    if (command.op === 'start' || command.op === 'restart') {
      this.stopRunning();
      const entry = ('entry' in command && typeof command.entry === 'string' ? command.entry : undefined) ?? 'server.js';
      const source = this.workspace()[entry];
      if (source === undefined) {
        this.frame({ t: 'reply', id: command.id, ok: false, error: { key: 'badEntry', message: `no ${entry}` } });
        return;
      }
      const pid = ++this.#pid;
      this.#running = pid;
      reply({ instance: 'main', port: this.#port, pid });
      this.frame({ t: 'out', instance: 'main', stream: 'stdout', data: `starting ${entry}\n` });
      if (source.includes('SYNTAX')) {
        this.#running = null;
        this.frame({
          t: 'event',
          instance: 'main',
          event: { type: 'error', kind: 'syntax', message: 'Unexpected token', file: entry, line: 3, column: 5, stack: '', time: 1 },
        });
        this.frame({ t: 'exit', instance: 'main', code: 1, signal: null, pid, requested: false });
      } else if (source.includes('LISTEN_THEN_EXIT')) {
        // both frames in one chunk: the client sees them in one read
        this.#running = null;
        const listening = { t: 'event', instance: 'main', event: { type: 'listening', port: this.#port, address: '127.0.0.1', time: 1 } };
        const exit = { t: 'exit', instance: 'main', code: 0, signal: null, pid, requested: false };
        // later, so the session already waits for `listening`
        setTimeout(() => this.#out.enqueue(`${RS}${JSON.stringify(listening)}\n${RS}${JSON.stringify(exit)}\n`), 0);
      } else if (source.includes('BUSY_AT_START')) {
        // an endless loop before listen: the host says it is busy, as lab/inside/busy.mjs would
        this.frame({ t: 'notice', instance: 'main', key: 'busy', data: { since: Date.now() - 2500, ms: 2500 } });
      } else if (!source.includes('NEVER_LISTEN')) {
        this.frame({ t: 'event', instance: 'main', event: { type: 'listening', port: this.#port, address: '127.0.0.1', time: 1 } });
      }
    } else if (command.op === 'stop') {
      this.stopRunning();
      reply({ instance: 'main', code: null, signal: 'SIGTERM' });
    } else {
      reply({});
    }
  }
}

class FakeRuntime implements Runtime {
  files: Record<string, string> = {};
  /** Set: every write fails with it (a runner that refuses the workspace). */
  writeError: Error | null = null;
  readonly mounts: Record<string, string>[] = [];
  readonly writes: [string, string][] = [];
  readonly hosts: ScriptedHost[] = [];
  disposed = 0;
  readonly kind: RuntimeKind;
  constructor(kind: RuntimeKind) {
    this.kind = kind;
  }
  async mount(files: Record<string, string>) {
    this.mounts.push({ ...files });
    this.files = { ...files };
  }
  async writeFile(path: string, text: string) {
    if (this.writeError) throw this.writeError;
    this.writes.push([path, text]);
    this.files[path] = text;
  }
  async readFile(path: string) {
    const text = this.files[path];
    if (text === undefined) throw new RuntimeError('runtime.error.fileMissing', { detail: { path } });
    return text;
  }
  async listFiles() {
    return Object.keys(this.files).sort();
  }
  async spawn(command: string, args: string[]) {
    expect([command, args]).toEqual(['node', ['host.mjs']]);
    const host = new ScriptedHost(() => this.files);
    this.hosts.push(host);
    return host.process();
  }
  labScript(name: string) {
    return name;
  }
  async previewUrl(port: number) {
    return `http://localhost:${port + 1}/`;
  }
  async dispose() {
    this.disposed += 1;
    for (const host of this.hosts) host.end(143);
  }
  get host(): ScriptedHost {
    const host = this.hosts.at(-1);
    if (!host) throw new Error('no host spawned');
    return host;
  }
}

const payload = (lesson: string, entry = 'server.js'): LessonPayload => ({
  lang: 'en',
  lesson,
  step: 'one',
  entry,
  env: { LESSON: lesson },
  open: [entry],
  files: { [entry]: `// ${lesson}` },
  solution: {},
  routes: [],
  checks: [],
  messages: {},
  view: 'session',
});

function setup(overrides: Partial<LessonSessionDeps> = {}) {
  const runtimes: FakeRuntime[] = [];
  const localCalls: AbortSignal[] = [];
  const deps: LessonSessionDeps = {
    preference: () => 'auto',
    labFiles: async () => ({ 'host.mjs': '// host' }),
    snapshotUrl: '/runtime/deps.snapshot',
    isolated: () => false,
    probeRunner: async () => 'token',
    createLocal: async (options) => {
      localCalls.push(options.signal!);
      const step: BootListener = options.onStep ?? (() => {});
      step({ step: 'boot', progress: 0 });
      step({ step: 'boot', progress: 1 });
      step({ step: 'dependencies', progress: 1 });
      const runtime = new FakeRuntime('local');
      runtimes.push(runtime);
      return runtime;
    },
    WebContainer: () => Promise.reject(new Error('no WebContainer in unit tests')),
    timeouts: { listenMs: 2_000, helloMs: 2_000 },
    ...overrides,
  };
  const session = createLessonSession(deps);
  const states: SessionState[] = [];
  session.onState((state) => states.push(state));
  return { session, runtimes, localCalls, states, deps };
}

const phases = (states: SessionState[]) => states.map((s) => s.phase).filter((p, i, all) => p !== all[i - 1]);
const starts = (runtime: FakeRuntime) => runtime.host.commands.filter((c) => c.op === 'start');

let open: LessonSession[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.dispose()));
  open = [];
  vi.useRealTimers();
});
const track = <T extends { session: LessonSession }>(value: T): T => {
  open.push(value.session);
  return value;
};

describe('lesson session: boot and lesson switch', () => {
  it('the first open chooses, boots once, mounts the files, starts the server and waits for listening', async () => {
    const { session, runtimes, states } = track(setup());
    await session.open(payload('01-intro'), { 'server.js': '// mine' });

    expect(session.bootCount()).toBe(1);
    const state = session.state();
    expect(state).toMatchObject({ phase: 'running', runtime: 'local', port: 40_100, preference: 'auto' });
    expect(state.steps.map((s) => [s.step, s.status])).toEqual([
      ['boot', 'done'],
      ['dependencies', 'done'],
      ['files', 'done'],
      ['server', 'done'],
      ['ready', 'done'],
    ]);
    expect(phases(states)).toEqual(['booting', 'running']);
    const runtime = runtimes[0]!;
    expect(runtime.mounts).toEqual([{ 'server.js': '// mine' }]);
    expect(starts(runtime)).toMatchObject([{ op: 'start', entry: 'server.js', env: { LESSON: '01-intro' } }]);
    await expect(session.previewUrl()).resolves.toBe('http://localhost:40101/');
    expect(session.host()).not.toBeNull();
    expect(session.runtime()).toBe(runtime);
  });

  it('a second open (lesson switch) mounts the new files and restarts: no second boot', async () => {
    const { session, runtimes, states } = track(setup());
    await session.open(payload('01-intro'), { 'server.js': '// one' });
    states.length = 0;
    await session.open(payload('02-store', 'app.js'), { 'app.js': '// two', 'views/x.txt': 'x' });

    expect(session.bootCount()).toBe(1);
    expect(runtimes).toHaveLength(1);
    const runtime = runtimes[0]!;
    expect(runtime.hosts).toHaveLength(1);
    expect(runtime.mounts.at(-1)).toEqual({ 'app.js': '// two', 'views/x.txt': 'x' });
    // the old server is stopped before its files go, then the new lesson's entry starts
    const ops = runtime.host.commands.map((c) => c.op);
    expect(ops).toEqual(['start', 'stop', 'start']);
    expect(starts(runtime)[1]).toMatchObject({ entry: 'app.js', env: { LESSON: '02-store' } });
    expect(phases(states)).toEqual(['starting', 'running']);
  });

  it('a lesson switch during the boot mounts the latest lesson once the runtime is up', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const base = setup();
    const { session, runtimes } = track(
      setup({
        createLocal: async (options) => {
          await gate;
          return base.deps.createLocal!(options);
        },
      }),
    );
    const first = session.open(payload('01-intro'), { 'server.js': '// one' });
    const second = session.open(payload('02-store', 'app.js'), { 'app.js': '// two' });
    release();
    await Promise.all([first, second]);
    expect(session.bootCount()).toBe(1);
    const runtime = base.runtimes[0]!;
    expect(runtimes).toHaveLength(0); // created through base's factory
    expect(runtime.mounts).toEqual([{ 'app.js': '// two' }]);
    expect(session.state().phase).toBe('running');
  });

  it('an edit made while booting is in the files mounted', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const base = setup();
    const { session } = track(
      setup({
        createLocal: async (options) => {
          await gate;
          return base.deps.createLocal!(options);
        },
      }),
    );
    const opening = session.open(payload('01-intro'), { 'server.js': '// one' });
    await session.write('server.js', '// edited while booting');
    release();
    await opening;
    expect(base.runtimes[0]!.mounts).toEqual([{ 'server.js': '// edited while booting' }]);
  });
});

describe('lesson session: crashes', () => {
  it('a syntax error: crashed with lastError (file, line); a write and a restart recover', async () => {
    const { session, runtimes } = track(setup());
    await session.open(payload('01-intro'), { 'server.js': 'SYNTAX here' });

    expect(session.state()).toMatchObject({
      phase: 'crashed',
      error: { key: 'runtime.error.serverCrashed' },
      lastError: { kind: 'syntax', file: 'server.js', line: 3, column: 5, message: 'Unexpected token' },
    });
    expect(session.state().port).toBeUndefined();
    await expect(session.previewUrl()).rejects.toMatchObject({ key: 'runtime.error.serverStopped' });

    await session.write('server.js', '// fixed');
    expect(runtimes[0]!.writes).toEqual([['server.js', '// fixed']]);
    await session.restart();
    expect(session.state().phase).toBe('running');
    expect(session.state().lastError).toBeUndefined();
    expect(session.state().error).toBeUndefined();
    expect(session.bootCount()).toBe(1);
  });

  it('a running server that crashes on its own: crashed, with the probe error', async () => {
    const { session, runtimes } = track(setup());
    const events: string[] = [];
    session.onServer((event) => events.push(event.type === 'exit' ? `exit:${event.requested}` : event.type));
    await session.open(payload('01-intro'), { 'server.js': '// fine' });
    runtimes[0]!.host.crash('kaput');
    await vi.waitFor(() => expect(session.state().phase).toBe('crashed'));
    expect(session.state()).toMatchObject({ error: { key: 'runtime.error.serverCrashed', detail: { code: 1 } }, lastError: { message: 'kaput', line: 7 } });
    expect(events).toEqual(['starting', 'listening', 'error', 'exit:false']);
    await session.restart();
    expect(session.state().phase).toBe('running');
  });

  it('a server that never listens: crashed with serverTimeout; a restart after the fix recovers', async () => {
    const { session } = track(setup({ timeouts: { listenMs: 50 } }));
    await session.open(payload('01-intro'), { 'server.js': 'NEVER_LISTEN' });
    expect(session.state()).toMatchObject({ phase: 'crashed', error: { key: 'runtime.error.serverTimeout' } });
    await session.write('server.js', '// listens');
    await session.restart();
    expect(session.state().phase).toBe('running');
  });

  it('a server that listens and ends at once: crashed, not running', async () => {
    const { session } = track(setup());
    await session.open(payload('01-intro'), { 'server.js': 'LISTEN_THEN_EXIT' });
    expect(session.state()).toMatchObject({ phase: 'crashed', error: { key: 'runtime.error.serverCrashed', detail: { code: 0 } } });
  });

  it('a missing entry file: crashed with fileMissing naming it', async () => {
    const { session } = track(setup());
    await session.open(payload('01-intro'), { 'other.js': '' });
    expect(session.state()).toMatchObject({ phase: 'crashed', error: { key: 'runtime.error.fileMissing', detail: { path: 'server.js' } } });
  });

  it('a restart during a start is safe: the start\'s wait is cut short, the restart runs after it', async () => {
    const { session, runtimes } = track(setup({ timeouts: { listenMs: 5_000 } }));
    await session.open(payload('01-intro'), { 'server.js': '// fine' });
    await session.write('server.js', 'NEVER_LISTEN');
    const started = Date.now();
    const slow = session.restart(); // would wait 5 s for listening
    await vi.waitFor(() => expect(starts(runtimes[0]!)).toHaveLength(2));
    await session.write('server.js', '// fixed');
    const quick = session.restart();
    await Promise.all([slow, quick]);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(session.state().phase).toBe('running');
    expect(starts(runtimes[0]!)).toHaveLength(3);
  });

  it('stop: stopped; restart: running again', async () => {
    const { session, runtimes } = track(setup());
    await session.open(payload('01-intro'), { 'server.js': '// fine' });
    await session.stop();
    expect(session.state()).toMatchObject({ phase: 'stopped' });
    expect(session.state().port).toBeUndefined();
    await session.restart();
    expect(session.state().phase).toBe('running');
    expect(runtimes[0]!.host.commands.map((c) => c.op)).toEqual(['start', 'stop', 'start']);
  });
});

describe('lesson session: failures and retry', () => {
  it('a boot failure: failed with its key and the failed step; retry boots and runs', async () => {
    const base = setup();
    let attempts = 0;
    const { session } = track(
      setup({
        preference: () => 'local',
        createLocal: async (options) => {
          attempts += 1;
          if (attempts === 1) throw new RuntimeError('runtime.error.runnerFailed', { step: 'boot' });
          return base.deps.createLocal!(options);
        },
      }),
    );
    await session.open(payload('01-intro'), { 'server.js': '// fine' });
    expect(session.state()).toMatchObject({ phase: 'failed', runtime: 'local', error: { key: 'runtime.error.runnerFailed' } });
    expect(session.state().steps.find((s) => s.step === 'boot')?.status).toBe('failed');
    expect(session.bootCount()).toBe(0);

    await session.retry();
    expect(session.state().phase).toBe('running');
    expect(session.bootCount()).toBe(1);
  });

  it('auto with no runner and no isolation: read-only with the reasons, nothing booted', async () => {
    const { session } = track(
      setup({ probeRunner: () => Promise.reject(new RuntimeError('runtime.error.runnerUnreachable')), isolated: () => false }),
    );
    await session.open(payload('01-intro'), { 'server.js': '' });
    expect(session.state()).toMatchObject({
      phase: 'readonly',
      runtime: null,
      reasons: [expect.objectContaining({ key: 'runtime.error.runnerUnreachable' }), expect.objectContaining({ key: 'runtime.error.notIsolated' })],
    });
    expect(session.bootCount()).toBe(0);
  });

  it('auto with a WebContainer that times out: failed with bootTimeout (not a silent read-only)', async () => {
    const { session } = track(
      setup({
        probeRunner: () => Promise.reject(new RuntimeError('runtime.error.runnerUnreachable')),
        isolated: () => true,
        createWebContainer: () => Promise.reject(new RuntimeError('runtime.error.bootTimeout', { step: 'boot', detail: { seconds: 12 } })),
      }),
    );
    await session.open(payload('01-intro'), { 'server.js': '' });
    expect(session.state()).toMatchObject({ phase: 'failed', runtime: 'webcontainer', error: { key: 'runtime.error.bootTimeout', detail: { seconds: 12 } } });
  });

  it("the 'readonly' preference: read-only without booting anything; retry('auto') boots", async () => {
    const { session, localCalls } = track(setup({ preference: () => 'readonly' }));
    await session.open(payload('01-intro'), { 'server.js': '' });
    expect(session.state()).toMatchObject({ phase: 'readonly', reasons: [expect.objectContaining({ key: 'runtime.reason.readonlyChosen' })] });
    expect(localCalls).toHaveLength(0);
    expect(session.bootCount()).toBe(0);
    // a lesson switch stays read-only
    await session.open(payload('02-store'), { 'server.js': '' });
    expect(session.state().phase).toBe('readonly');
    expect(localCalls).toHaveLength(0);

    await session.retry('auto');
    expect(session.state()).toMatchObject({ phase: 'running', preference: 'auto' });
    expect(session.bootCount()).toBe(1);
  });

  it('a host that exits: failed with hostExited; retry starts a new host without a new boot', async () => {
    const { session, runtimes } = track(setup());
    await session.open(payload('01-intro'), { 'server.js': '// fine' });
    runtimes[0]!.host.end(1);
    await vi.waitFor(() => expect(session.state().phase).toBe('failed'));
    expect(session.state().error).toMatchObject({ key: 'runtime.error.hostExited', detail: { code: 1 } });
    expect(session.host()).toBeNull();

    await session.retry();
    expect(session.state().phase).toBe('running');
    expect(session.bootCount()).toBe(1);
    expect(runtimes[0]!.hosts).toHaveLength(2);
  });

  it('a write the runtime refuses: failed; retry mounts every file again, the edit included, without a new boot', async () => {
    const { session, runtimes } = track(setup());
    await session.open(payload('01-intro'), { 'server.js': '// one' });
    const runtime = runtimes[0]!;
    runtime.writeFile = () => Promise.reject(new RuntimeError('runtime.error.runnerUnreachable'));
    await session.write('server.js', '// edited');
    expect(session.state()).toMatchObject({ phase: 'failed', error: { key: 'runtime.error.runnerUnreachable' } });
    await session.retry();
    expect(session.state().phase).toBe('running');
    expect(runtime.mounts.at(-1)).toEqual({ 'server.js': '// edited' });
    expect(session.bootCount()).toBe(1);
  });

  it('a runtime that keeps failing after retry is dropped and booted anew', async () => {
    const { session, runtimes } = track(setup());
    await session.open(payload('01-intro'), { 'server.js': '// one' });
    const broken = runtimes[0]!;
    broken.mount = () => Promise.reject(new RuntimeError('runtime.error.mountFailed', { step: 'files' }));
    await session.open(payload('02-store'), { 'server.js': '// two' });
    expect(session.state()).toMatchObject({ phase: 'failed', error: { key: 'runtime.error.mountFailed' } });
    await session.retry();
    expect(broken.disposed).toBe(1);
    expect(session.bootCount()).toBe(2);
    expect(session.state().phase).toBe('running');
    expect(runtimes[1]!.mounts).toEqual([{ 'server.js': '// two' }]);
  });

  it('the WebContainer wanted fails: the local runner runs, and the state says which failed and why; retry asks for it again', async () => {
    let wcAttempts = 0;
    const wc = new FakeRuntime('webcontainer');
    const { session } = track(
      setup({
        preference: () => 'webcontainer',
        isolated: () => true,
        createWebContainer: async () => {
          wcAttempts += 1;
          if (wcAttempts === 1) throw new RuntimeError('runtime.error.bootTimeout', { step: 'boot', detail: { seconds: 45 } });
          return wc;
        },
      }),
    );
    await session.open(payload('01-intro'), { 'server.js': '// fine' });
    expect(session.state()).toMatchObject({
      phase: 'running',
      runtime: 'local',
      preference: 'webcontainer',
      fallback: { from: 'webcontainer', error: { key: 'runtime.error.bootTimeout', detail: { seconds: 45 } } },
    });
    // A lesson switch or a restart keeps the note: it is about this boot.
    await session.restart();
    expect(session.state().fallback?.from).toBe('webcontainer');

    await session.retry();
    expect(session.state()).toMatchObject({ phase: 'running', runtime: 'webcontainer' });
    expect(session.state().fallback).toBeUndefined();
  });

  it('auto on a page no runner serves, with a WebContainer that boots: no fallback to report', async () => {
    const wc = new FakeRuntime('webcontainer');
    const { session } = track(
      setup({
        probeRunner: () => Promise.reject(new RuntimeError('runtime.error.runnerUnreachable')),
        isolated: () => true,
        createWebContainer: async () => wc,
      }),
    );
    await session.open(payload('01-intro'), { 'server.js': '' });
    expect(session.state()).toMatchObject({ phase: 'running', runtime: 'webcontainer' });
    expect(session.state().fallback).toBeUndefined();
  });

  it('retry with another runtime: the old one is disposed, the new one booted', async () => {
    const wc = new FakeRuntime('webcontainer');
    const { session, runtimes } = track(
      setup({
        isolated: () => true,
        createWebContainer: async (options) => {
          // The lab's scripts come once the WebContainer has booted: a function to ask then.
          expect(typeof options.labFiles).toBe('function');
          expect(await (options.labFiles as () => Promise<unknown>)()).toEqual({ 'host.mjs': '// host' });
          expect(options.snapshotUrl).toBe('/runtime/deps.snapshot');
          return wc;
        },
      }),
    );
    await session.open(payload('01-intro'), { 'server.js': '// fine' });
    expect(session.state().runtime).toBe('local');
    await session.retry('webcontainer');
    expect(runtimes[0]!.disposed).toBe(1);
    expect(session.state()).toMatchObject({ phase: 'running', runtime: 'webcontainer', preference: 'webcontainer' });
    expect(session.bootCount()).toBe(2);
    expect(wc.mounts).toEqual([{ 'server.js': '// fine' }]);
  });
});

describe('lesson session: suspended by the local runner', () => {
  const suspended = () => new RuntimeError('runtime.error.suspended', { detail: { limit: 6 } });

  it('the host lost to a suspension: phase suspended with the limit, the runtime dropped; resume() boots anew with the files, saying so', async () => {
    const { session, runtimes, states } = track(setup());
    await session.open(payload('01-intro'), { 'server.js': '// mine' });
    runtimes[0]!.host.lost(suspended());
    await vi.waitFor(() => expect(session.state().phase).toBe('suspended'));
    expect(session.state().error).toEqual({ key: 'runtime.error.suspended', detail: { limit: 6 } });
    await vi.waitFor(() => expect(runtimes[0]!.disposed).toBe(1));
    expect(session.runtime()).toBeNull();
    // An edit while paused is kept for the resumed server.
    await session.write('server.js', '// edited while paused');

    states.length = 0;
    await session.resume();
    expect(session.bootCount()).toBe(2);
    expect(session.state()).toMatchObject({ phase: 'running', resumed: true });
    expect(phases(states)).toEqual(['booting', 'running']);
    expect(states.every((s) => s.resumed === true)).toBe(true);
    expect(runtimes[1]!.mounts).toEqual([{ 'server.js': '// edited while paused' }]);
    // A later boot (another runtime chosen, then back) is no resume.
    await session.retry('readonly');
    await session.retry('auto');
    expect(session.bootCount()).toBe(3);
    expect(session.state().phase).toBe('running');
    expect(session.state().resumed).toBeUndefined();
  });

  it('a call the runner refuses for a suspension suspends too; open() (the learner moving in this tab) resumes', async () => {
    const { session, runtimes } = track(setup());
    await session.open(payload('01-intro'), { 'server.js': '// one' });
    runtimes[0]!.writeError = suspended();
    await session.write('server.js', '// two');
    expect(session.state().phase).toBe('suspended');
    await session.open(payload('02-next'), { 'server.js': '// next lesson' });
    expect(session.bootCount()).toBe(2);
    expect(session.state()).toMatchObject({ phase: 'running', resumed: true });
    expect(runtimes[1]!.mounts).toEqual([{ 'server.js': '// next lesson' }]);
  });

  it('restart() of a suspended tab resumes it; resume() in any other phase does nothing', async () => {
    const { session, runtimes } = track(setup());
    await session.open(payload('01-intro'), { 'server.js': '// one' });
    await session.resume();
    expect(session.bootCount()).toBe(1);
    runtimes[0]!.host.lost(suspended());
    await vi.waitFor(() => expect(session.state().phase).toBe('suspended'));
    await session.restart();
    expect(session.bootCount()).toBe(2);
    expect(session.state().phase).toBe('running');
  });
});

describe('lesson session: abort', () => {
  it('dispose during the boot aborts it; a runtime that arrives late is disposed; nothing runs', async () => {
    let resolveLate!: (runtime: Runtime) => void;
    const late = new FakeRuntime('local');
    const { session, localCalls } = track(
      setup({
        createLocal: (options) => {
          localCalls.push(options.signal!);
          return new Promise<Runtime>((resolve) => {
            resolveLate = resolve;
          });
        },
      }),
    );
    const opening = session.open(payload('01-intro'), { 'server.js': '' });
    await vi.waitFor(() => expect(localCalls).toHaveLength(1));
    expect(session.state().phase).toBe('booting');
    await session.dispose();
    await opening;
    expect(localCalls[0]!.aborted).toBe(true);
    expect(session.state().phase).toBe('idle');
    resolveLate(late);
    await vi.waitFor(() => expect(late.disposed).toBe(1));
    expect(session.bootCount()).toBe(0);
    await expect(session.open(payload('01-intro'), {})).rejects.toMatchObject({ key: 'runtime.error.disposed' });
  });

  it('dispose when running closes the host and the runtime', async () => {
    const { session, runtimes } = track(setup());
    await session.open(payload('01-intro'), { 'server.js': '// fine' });
    await session.dispose();
    expect(runtimes[0]!.disposed).toBe(1);
    expect(runtimes[0]!.host.killed).toBe(true);
    expect(session.runtime()).toBeNull();
    expect(session.host()).toBeNull();
  });
});

describe('lesson session: a busy server (its event loop blocked)', () => {
  it('a loop at start-up: busy, never "not listening" or crashed, even past the listen wait; restart recovers', async () => {
    const { session, states } = track(setup({ timeouts: { listenMs: 100 } }));
    const before = Date.now();
    await session.open(payload('01-intro'), { 'server.js': 'BUSY_AT_START' });
    // The start's wait for `listening` ran out meanwhile: still busy, since the host's `ms` ago.
    await new Promise((resolve) => setTimeout(resolve, 150));
    const state = session.state();
    expect(state.phase).toBe('busy');
    expect(state.error).toBeUndefined();
    // Busy since the notice's `ms` before the page heard it (the page's clock, not the host's),
    // however long the machine took to get here.
    expect(state.busy!.since).toBeGreaterThanOrEqual(before - 2500);
    expect(state.busy!.since).toBeLessThanOrEqual(Date.now() - 2500);
    expect(states.some((s) => s.phase === 'crashed')).toBe(false);
    await session.write('server.js', '// fixed');
    await session.restart();
    expect(session.state()).toMatchObject({ phase: 'running', port: 40_100 });
    expect(session.state().busy).toBeUndefined();
  });

  it('a stuck start that gets going after all: running once it listens', async () => {
    const { session, runtimes } = track(setup({ timeouts: { listenMs: 50 } }));
    await session.open(payload('01-intro'), { 'server.js': 'BUSY_AT_START' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(session.state().phase).toBe('busy');
    runtimes[0]!.host.listen();
    runtimes[0]!.host.notice('unblocked', { ms: 4000 });
    await vi.waitFor(() => expect(session.state()).toMatchObject({ phase: 'running', port: 40_100 }));
  });

  it('a loop in a route: busy with the port kept, running again when it turns; a crash while busy is a crash', async () => {
    const { session, runtimes } = track(setup());
    await session.open(payload('01-intro'), { 'server.js': '// fine' });
    const host = runtimes[0]!.host;
    host.notice('busy', { since: 1, ms: 2000 });
    await vi.waitFor(() => expect(session.state().phase).toBe('busy'));
    expect(session.state().port).toBe(40_100);
    expect(Date.now() - session.state().busy!.since).toBeGreaterThanOrEqual(2000);
    host.notice('unblocked', { ms: 3000 });
    await vi.waitFor(() => expect(session.state()).toMatchObject({ phase: 'running', port: 40_100 }));
    expect(session.state().busy).toBeUndefined();

    host.notice('busy', { ms: 2000 });
    await vi.waitFor(() => expect(session.state().phase).toBe('busy'));
    host.crash('out of patience');
    await vi.waitFor(() => expect(session.state().phase).toBe('crashed'));
    expect(session.state().busy).toBeUndefined();
  });

  it('stop while busy: stopped, and busy is gone', async () => {
    const { session, runtimes } = track(setup());
    await session.open(payload('01-intro'), { 'server.js': '// fine' });
    runtimes[0]!.host.notice('busy', { ms: 2000 });
    await vi.waitFor(() => expect(session.state().phase).toBe('busy'));
    await session.stop();
    expect(session.state().phase).toBe('stopped');
    expect(session.state().busy).toBeUndefined();
  });
});

describe("lesson session: the learner's writes", () => {
  it('reach the runtime one after another, in the order they were made (a slow write is not overtaken)', async () => {
    const { session, runtimes } = track(setup());
    await session.open(payload('01-intro'), { 'server.js': '// one' });
    const runtime = runtimes[0]!;
    const done: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    runtime.writeFile = async (path, text) => {
      if (text === '// slow') await gate;
      done.push(text);
    };
    const slow = session.write('server.js', '// slow');
    const fast = session.write('server.js', '// fast');
    release();
    await Promise.all([slow, fast]);
    expect(done).toEqual(['// slow', '// fast']);
  });

  it('a restart waits for the writes sent before it, and runs what they wrote', async () => {
    const { session, runtimes } = track(setup());
    await session.open(payload('01-intro'), { 'server.js': '// one' });
    const runtime = runtimes[0]!;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const write = runtime.writeFile.bind(runtime);
    runtime.writeFile = async (path, text) => {
      await gate;
      await write(path, text);
    };
    void session.write('server.js', '// two');
    const restarting = session.restart();
    expect(starts(runtime)).toHaveLength(1);
    release();
    await restarting;
    expect(starts(runtime)).toHaveLength(2);
    expect(runtime.files['server.js']).toBe('// two');
  });

  it('open() with a reader: every mount reads the files then, and the session keeps no copy of its own', async () => {
    const { session, runtimes } = track(setup());
    let kept: Record<string, string> = { 'server.js': '// one' };
    await session.open(payload('01-intro'), () => kept);
    const runtime = runtimes[0]!;
    expect(runtime.mounts.at(-1)).toEqual({ 'server.js': '// one' });
    // The store took the edit and the session sent it on; a write the store never saw is not kept.
    kept = { 'server.js': '// two' };
    await session.write('server.js', '// two');
    await session.write('extra.js', '// only written');
    runtime.writeFile = () => Promise.reject(new RuntimeError('runtime.error.runnerUnreachable'));
    await session.write('server.js', '// refused');
    expect(session.state().phase).toBe('failed');
    await session.retry();
    expect(session.state().phase).toBe('running');
    expect(runtime.mounts.at(-1)).toEqual({ 'server.js': '// two' });
  });
});
