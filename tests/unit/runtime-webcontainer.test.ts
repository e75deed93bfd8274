// The WebContainer adapter against a fake of @webcontainer/api. The fake is declared against the
// real package's types (`implements`), so an API change there breaks the type check here.
import type {
  BootOptions,
  DirEnt,
  FileSystemAPI,
  FileSystemTree,
  SpawnOptions,
  Unsubscribe,
  WebContainer,
  WebContainerProcess,
} from '@webcontainer/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chooseRuntime } from '../../site/runtime/choose.ts';
import { startHost } from '../../site/runtime/host-client.ts';
import { RuntimeError, type BootProgress } from '../../site/runtime/types.ts';
import {
  LAB_FOLDER,
  createWebContainerFactory,
  toTree,
  type WebContainerClass,
  type WebContainerInstance,
} from '../../site/runtime/webcontainer.ts';

// The real class fits what the adapter asks for (checked by tsc: false here fails the type check).
type RealFits = typeof WebContainer extends WebContainerClass ? true : false;
const realFits: RealFits = true;

const RS = '\x1e';

class FakeProcess implements WebContainerProcess {
  readonly exit: Promise<number>;
  readonly input: WritableStream<string>;
  readonly output: ReadableStream<string>;
  readonly stdin: string[] = [];
  killed = false;
  #out!: ReadableStreamDefaultController<string>;
  #resolveExit!: (code: number) => void;
  #ended = false;

  constructor() {
    this.output = new ReadableStream<string>({
      start: (controller) => {
        this.#out = controller;
      },
    });
    this.exit = new Promise((resolve) => {
      this.#resolveExit = resolve;
    });
    this.input = new WritableStream<string>({
      write: (chunk) => {
        this.stdin.push(chunk);
      },
    });
  }
  print(text: string): void {
    this.#out.enqueue(text);
  }
  frame(value: object): void {
    this.print(`${RS}${JSON.stringify(value)}\r\n`);
  }
  end(code: number): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#out.close();
    this.#resolveExit(code);
  }
  kill(): void {
    this.killed = true;
    this.end(143);
  }
  resize(_dimensions: { cols: number; rows: number }): void {}
}

type Entry = { kind: 'file'; contents: string | Uint8Array } | { kind: 'dir' };
const dirent = (name: string, isDir: boolean): DirEnt<string> => ({ name, isFile: () => !isDir, isDirectory: () => isDir });

/** An in-memory file system with the methods the adapter uses, typed by the real FileSystemAPI. */
class FakeFs implements Pick<FileSystemAPI, 'readFile' | 'writeFile' | 'readdir' | 'rm' | 'mkdir'> {
  readonly entries = new Map<string, Entry>();

  static key(path: string): string {
    return path.split('/').filter((part) => part !== '' && part !== '.').join('/');
  }
  addTree(tree: FileSystemTree, prefix = ''): void {
    for (const [name, node] of Object.entries(tree)) {
      const path = prefix ? `${prefix}/${name}` : name;
      if ('directory' in node) {
        this.entries.set(path, { kind: 'dir' });
        this.addTree(node.directory, path);
      } else if ('contents' in node.file) {
        this.entries.set(path, { kind: 'file', contents: node.file.contents });
      }
    }
  }
  // One implementation for the real API's overloads (text when an encoding is given).
  async readFile(path: string, encoding?: string | null): Promise<any> {
    const entry = this.entries.get(FakeFs.key(path));
    if (!entry || entry.kind !== 'file') throw new Error(`ENOENT: ${path}`);
    if (encoding) return typeof entry.contents === 'string' ? entry.contents : new TextDecoder().decode(entry.contents);
    return typeof entry.contents === 'string' ? new TextEncoder().encode(entry.contents) : entry.contents;
  }
  async writeFile(path: string, data: string | Uint8Array): Promise<void> {
    const key = FakeFs.key(path);
    const parent = key.includes('/') ? key.slice(0, key.lastIndexOf('/')) : '';
    if (parent && this.entries.get(parent)?.kind !== 'dir') throw new Error(`ENOENT: ${parent}`);
    this.entries.set(key, { kind: 'file', contents: data });
  }
  async readdir(path: string, options?: unknown): Promise<any> {
    const key = FakeFs.key(path);
    const names = [...this.entries.entries()]
      .filter(([p]) => (key === '' ? !p.includes('/') : p.startsWith(`${key}/`) && !p.slice(key.length + 1).includes('/')))
      .map(([p, entry]) => ({ name: p.slice(p.lastIndexOf('/') + 1), isDir: entry.kind === 'dir' }));
    const withTypes = typeof options === 'object' && options !== null && (options as { withFileTypes?: boolean }).withFileTypes;
    return withTypes ? names.map((n) => dirent(n.name, n.isDir)) : names.map((n) => n.name);
  }
  async rm(path: string, _options?: { force?: boolean; recursive?: boolean }): Promise<void> {
    const key = FakeFs.key(path);
    for (const p of [...this.entries.keys()]) if (p === key || p.startsWith(`${key}/`)) this.entries.delete(p);
  }
  async mkdir(path: string, _options?: { recursive?: boolean }): Promise<any> {
    const parts = FakeFs.key(path).split('/');
    for (let i = 1; i <= parts.length; i++) this.entries.set(parts.slice(0, i).join('/'), { kind: 'dir' });
    return undefined;
  }
}

type Listener = (...args: never[]) => void;

/** A booted WebContainer, as far as the adapter uses it; `implements` the real instance type. */
class FakeContainer implements WebContainerInstance {
  readonly fs = new FakeFs();
  readonly workdir = '/home/session-lab';
  readonly log: string[];
  readonly spawned: { command: string; args: string[]; process: FakeProcess }[] = [];
  readonly mounts: (FileSystemTree | 'snapshot')[] = [];
  tornDown = false;
  onSpawn: (process: FakeProcess, command: string, args: string[]) => void = () => {};
  readonly #listeners = new Map<string, Set<Listener>>();

  constructor(log: string[]) {
    this.log = log;
  }
  async mount(snapshotOrTree: FileSystemTree | Uint8Array | ArrayBuffer, options?: { mountPoint?: string }): Promise<void> {
    if (snapshotOrTree instanceof ArrayBuffer || snapshotOrTree instanceof Uint8Array) {
      this.log.push(`mount:snapshot:${snapshotOrTree.byteLength}${options?.mountPoint ? `@${options.mountPoint}` : ''}`);
      this.mounts.push('snapshot');
      this.fs.addTree({ node_modules: { directory: { express: { directory: { 'package.json': { file: { contents: '{}' } } } } } } }, options?.mountPoint ?? '');
    } else {
      this.log.push(`mount:tree:${Object.keys(snapshotOrTree).join(',')}`);
      this.mounts.push(snapshotOrTree);
      this.fs.addTree(snapshotOrTree);
    }
  }
  async spawn(command: string, argsOrOptions?: string[] | SpawnOptions, _options?: SpawnOptions): Promise<WebContainerProcess> {
    const args = Array.isArray(argsOrOptions) ? argsOrOptions : [];
    this.log.push(`spawn:${command} ${args.join(' ')}`);
    const process = new FakeProcess();
    this.spawned.push({ command, args, process });
    this.onSpawn(process, command, args);
    return process;
  }
  on(event: string, listener: (...args: never[]) => void): Unsubscribe {
    const set = this.#listeners.get(event) ?? new Set();
    set.add(listener);
    this.#listeners.set(event, set);
    return () => set.delete(listener);
  }
  emit(event: 'server-ready', port: number, url: string): void;
  emit(event: 'port', port: number, type: 'open' | 'close', url: string): void;
  emit(event: 'error', error: { message: string }): void;
  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.#listeners.get(event) ?? []) (listener as (...a: unknown[]) => void)(...args);
  }
  listenerCount(): number {
    return [...this.#listeners.values()].reduce((sum, set) => sum + set.size, 0);
  }
  teardown(): void {
    this.tornDown = true;
  }
}

/** The `WebContainer` class, faked: `boot` resolves when the test says so. */
function fakeWebContainer(log: string[]) {
  const boots: { options: BootOptions | undefined; resolve: (c: FakeContainer) => void; reject: (e: Error) => void }[] = [];
  const containers: FakeContainer[] = [];
  const WebContainerFake = {
    boot(options?: BootOptions): Promise<WebContainerInstance> {
      log.push('boot:called');
      return new Promise((resolve, reject) => {
        boots.push({ options, resolve, reject });
      });
    },
  } satisfies WebContainerClass;
  return {
    WebContainer: WebContainerFake,
    boots,
    containers,
    /** Resolves the pending boot with a fresh container. */
    finishBoot(index = boots.length - 1): FakeContainer {
      const container = new FakeContainer(log);
      containers.push(container);
      log.push('boot:resolved');
      boots[index]?.resolve(container);
      return container;
    },
  };
}

const SNAPSHOT = new Uint8Array([0x81, 0xa1, 0x64, 0x80]); // {d:{}}

function fakeFetch(log: string[], respond: () => Promise<Response> = async () => new Response(SNAPSHOT.slice())) {
  const calls: { url: string; signal: AbortSignal | undefined }[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    log.push(`fetch:${String(input)}`);
    calls.push({ url: String(input), signal: init?.signal ?? undefined });
    const response = await respond();
    log.push('fetch:done');
    return response;
  }) as typeof fetch;
  return { fetch: fetchFn, calls };
}

const LAB_FILES = { 'host.mjs': '// host', 'probe.cjs': '// probe', 'client.mjs': '// client', 'checks.mjs': '// checks' };
const LESSON = { 'server.js': 'require("express")', 'views/index.html': '<h1>hi</h1>' };

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

describe('WebContainer adapter: boot', () => {
  it('fits the real package (type check) and boots: snapshot, then lab scripts, then lesson files; steps in order', async () => {
    expect(realFits).toBe(true);
    const log: string[] = [];
    const wc = fakeWebContainer(log);
    const { fetch, calls } = fakeFetch(log);
    const factory = createWebContainerFactory({ WebContainer: wc.WebContainer, fetch, isolated: () => true });
    const steps: BootProgress[] = [];
    const booting = factory.boot({ snapshotUrl: '/lab/deps.snapshot', labFiles: LAB_FILES, files: LESSON, onStep: (s) => steps.push(s) });
    expect(factory.state).toBe('booting');
    await settle();
    const container = wc.finishBoot();
    const runtime = await booting;

    expect(runtime.kind).toBe('webcontainer');
    expect(factory.state).toBe('booted');
    expect(calls.map((c) => c.url)).toEqual(['/lab/deps.snapshot']);
    expect(wc.boots).toHaveLength(1);
    expect(wc.boots[0]?.options).toMatchObject({ coep: 'require-corp' });
    expect(log.filter((l) => l.startsWith('mount:'))).toEqual([
      `mount:snapshot:${SNAPSHOT.byteLength}`,
      `mount:snapshot:${SNAPSHOT.byteLength}@${LAB_FOLDER}`, // the lab's own copy of its packages
      `mount:tree:${LAB_FOLDER}`,
      'mount:tree:server.js,views',
    ]);
    expect(container.mounts[2]).toEqual({ [LAB_FOLDER]: { directory: toTree(LAB_FILES) } });
    expect(container.spawned).toEqual([]); // nothing runs at boot, npm least of all

    // steps: in order, never back, each ending at 1
    const order = steps.map((s) => s.step).filter((step, i, all) => all[i - 1] !== step);
    expect(order).toEqual(['boot', 'dependencies', 'files']);
    for (const name of order) {
      const mine = steps.filter((s) => s.step === name).map((s) => s.progress);
      expect(mine.at(-1), name).toBe(1);
      expect([...mine].sort((a, b) => a - b), name).toEqual(mine);
    }
    expect(steps[0]).toEqual({ step: 'boot', progress: 0 });
  });

  it('starts fetching the snapshot before the boot resolves', async () => {
    const log: string[] = [];
    const wc = fakeWebContainer(log);
    const { fetch } = fakeFetch(log);
    const factory = createWebContainerFactory({ WebContainer: wc.WebContainer, fetch, isolated: () => true });
    const booting = factory.boot({ snapshotUrl: '/deps.snapshot', labFiles: LAB_FILES });
    await settle();
    // The download is done already while the boot still runs.
    expect(log).toEqual(['boot:called', 'fetch:/deps.snapshot', 'fetch:done']);
    wc.finishBoot();
    await booting;
    expect(log.indexOf('fetch:/deps.snapshot')).toBeLessThan(log.indexOf('boot:resolved'));
  });

  it('asks for the lab scripts only once the WebContainer has booted (a page where it never boots never loads them)', async () => {
    const log: string[] = [];
    const wc = fakeWebContainer(log);
    const { fetch } = fakeFetch(log);
    const factory = createWebContainerFactory({ WebContainer: wc.WebContainer, fetch, isolated: () => true });
    const labFiles = vi.fn(async () => {
      log.push('labFiles');
      return LAB_FILES;
    });
    const booting = factory.boot({ snapshotUrl: '/deps.snapshot', labFiles, files: LESSON });
    await settle();
    expect(labFiles).not.toHaveBeenCalled();
    const container = wc.finishBoot();
    await booting;
    expect(labFiles).toHaveBeenCalledTimes(1);
    expect(log.indexOf('labFiles')).toBeGreaterThan(log.indexOf('boot:resolved'));
    // After the snapshot, at the root and as the lab's own copy.
    expect(container.mounts[2]).toEqual({ [LAB_FOLDER]: { directory: toTree(LAB_FILES) } });
  });

  it('never spawns npm: not at boot, not when the host and a lesson server start', async () => {
    const log: string[] = [];
    const wc = fakeWebContainer(log);
    const factory = createWebContainerFactory({ WebContainer: wc.WebContainer, fetch: fakeFetch(log).fetch, isolated: () => true });
    const booting = factory.boot({ snapshotUrl: '/deps.snapshot', labFiles: LAB_FILES, files: LESSON });
    await settle();
    const container = wc.finishBoot();
    container.onSpawn = (process) => {
      process.print('{"id":0}\r\n'); // pty noise
      process.frame({ t: 'hello', version: 1, pid: 2 });
    };
    const runtime = await booting;
    const host = await startHost(runtime, { helloTimeoutMs: 1_000 });
    const started = host.start();
    await vi.waitFor(() => expect(container.spawned[0]?.process.stdin).toHaveLength(1), { timeout: 1_000, interval: 1 });
    const command = JSON.parse(container.spawned[0]?.process.stdin[0] ?? '') as { id: number; op: string };
    expect(command.op).toBe('start');
    container.spawned[0]?.process.frame({ t: 'reply', id: command.id, ok: true, result: { instance: 'main', port: 3000, pid: 3 } });
    await started;

    // The host starts its servers without IPC or --require in a WebContainer.
    expect(container.spawned.map((s) => [s.command, ...s.args])).toEqual([['node', `${container.workdir}/${LAB_FOLDER}/host.mjs`, '--portable']]);
    expect(log.some((line) => /^spawn:(npm|npx|pnpm|yarn)\b/.test(line) || / install\b/.test(line))).toBe(false);
  });

  it('a boot that never resolves is not abandoned for being slow: it ends at our much longer limit with a typed error, and choose falls back', async () => {
    vi.useFakeTimers();
    const log: string[] = [];
    const wc = fakeWebContainer(log);
    const { fetch, calls } = fakeFetch(log);
    const factory = createWebContainerFactory({ WebContainer: wc.WebContainer, fetch, isolated: () => true });
    const steps: BootProgress[] = [];
    const outcome = factory.boot({ snapshotUrl: '/deps.snapshot', labFiles: LAB_FILES, onStep: (s) => steps.push(s) }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(factory.state).toBe('booting');
    await vi.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(RuntimeError);
    expect(error).toMatchObject({ key: 'runtime.error.bootTimeout', step: 'boot', detail: { seconds: 60 } });
    expect(calls[0]?.signal?.aborted).toBe(true); // the download was cancelled too
    expect(factory.state).toBe('idle');
    expect(steps).toEqual([{ step: 'boot', progress: 0 }]);

    // The same hang seen through choose: a verdict (read-only, with the reason) within seconds.
    const choice = chooseRuntime({
      preference: 'auto',
      probeRunner: async () => {
        throw new RuntimeError('runtime.error.runnerUnreachable');
      },
      createLocal: () => Promise.reject(new Error('not used')),
      isolated: () => true,
      createWebContainer: (signal) =>
        factory.boot({ snapshotUrl: '/deps.snapshot', labFiles: LAB_FILES, signal, bootTimeoutMs: 5_000 }),
    });
    await vi.advanceTimersByTimeAsync(5_000);
    await expect(choice).resolves.toEqual({
      mode: 'readonly',
      reasons: [expect.objectContaining({ key: 'runtime.error.runnerUnreachable' }), expect.objectContaining({ key: 'runtime.error.bootTimeout' })],
      failures: expect.any(Array),
    });
    // A retry waited for the same boot: WebContainer.boot() was called once only.
    expect(wc.boots).toHaveLength(1);
  });

  it('a boot that rejects gives bootFailed, and the next try boots again', async () => {
    const log: string[] = [];
    const wc = fakeWebContainer(log);
    const factory = createWebContainerFactory({ WebContainer: wc.WebContainer, fetch: fakeFetch(log).fetch, isolated: () => true });
    const first = factory.boot({ snapshotUrl: '/s', labFiles: LAB_FILES });
    await settle();
    wc.boots[0]?.reject(new Error('Unable to create more instances'));
    await expect(first).rejects.toMatchObject({ key: 'runtime.error.bootFailed', step: 'boot' });
    const second = factory.boot({ snapshotUrl: '/s', labFiles: LAB_FILES });
    await settle();
    expect(wc.boots).toHaveLength(2);
    wc.finishBoot(1);
    await expect(second).resolves.toMatchObject({ kind: 'webcontainer' });
  });

  it('refuses to boot without cross-origin isolation, before touching WebContainer', async () => {
    const log: string[] = [];
    const wc = fakeWebContainer(log);
    const factory = createWebContainerFactory({ WebContainer: wc.WebContainer, fetch: fakeFetch(log).fetch, isolated: () => false });
    await expect(factory.boot({ snapshotUrl: '/s', labFiles: LAB_FILES })).rejects.toMatchObject({
      key: 'runtime.error.notIsolated',
      step: 'boot',
    });
    expect(log).toEqual([]);
  });

  it('a snapshot that cannot be fetched gives dependenciesFailed', async () => {
    const log: string[] = [];
    const wc = fakeWebContainer(log);
    const { fetch } = fakeFetch(log, async () => new Response('missing', { status: 404 }));
    const factory = createWebContainerFactory({ WebContainer: wc.WebContainer, fetch, isolated: () => true });
    const booting = factory.boot({ snapshotUrl: '/s', labFiles: LAB_FILES });
    await settle();
    wc.finishBoot();
    await expect(booting).rejects.toMatchObject({ key: 'runtime.error.dependenciesFailed', step: 'dependencies', detail: { status: 404 } });
    expect(log.some((l) => l.startsWith('mount:'))).toBe(false);
  });

  it('reports the download\'s progress (after the boot step) when its size is known', async () => {
    const log: string[] = [];
    const wc = fakeWebContainer(log);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(50));
        controller.enqueue(new Uint8Array(50));
        controller.close();
      },
    });
    const { fetch } = fakeFetch(log, async () => new Response(body, { headers: { 'content-length': '100' } }));
    const factory = createWebContainerFactory({ WebContainer: wc.WebContainer, fetch, isolated: () => true });
    const steps: BootProgress[] = [];
    const booting = factory.boot({ snapshotUrl: '/s', labFiles: LAB_FILES, onStep: (s) => steps.push(s) });
    await settle();
    wc.finishBoot();
    await booting;
    expect(log).toContain('mount:snapshot:100');
    const deps = steps.filter((s) => s.step === 'dependencies').map((s) => s.progress);
    expect(deps.length).toBeGreaterThanOrEqual(2);
    expect(deps.at(-1)).toBe(1);
  });

  it('abort cancels cleanly: typed error, download aborted, no step or mount afterwards', async () => {
    const log: string[] = [];
    const wc = fakeWebContainer(log);
    let fetches = 0;
    const { fetch, calls } = fakeFetch(log, () =>
      ++fetches === 1 ? new Promise<Response>(() => {}) : Promise.resolve(new Response(SNAPSHOT.slice())),
    );
    const factory = createWebContainerFactory({ WebContainer: wc.WebContainer, fetch, isolated: () => true });
    const controller = new AbortController();
    const steps: BootProgress[] = [];
    const booting = factory.boot({ snapshotUrl: '/s', labFiles: LAB_FILES, signal: controller.signal, onStep: (s) => steps.push(s) });
    await settle();
    controller.abort();
    await expect(booting).rejects.toMatchObject({ key: 'runtime.error.aborted', step: 'boot' });
    expect(calls[0]?.signal?.aborted).toBe(true);
    expect(factory.state).toBe('idle');
    const seen = steps.length;
    wc.finishBoot(); // the boot completes late
    await settle();
    expect(steps).toHaveLength(seen);
    expect(log.some((l) => l.startsWith('mount:'))).toBe(false);

    // A later boot gets that same instance: WebContainer.boot() is not called twice.
    await expect(factory.boot({ snapshotUrl: '/s2', labFiles: LAB_FILES })).resolves.toMatchObject({ kind: 'webcontainer' });
    expect(wc.boots).toHaveLength(1);
    expect(log.filter((l) => l.startsWith('mount:'))).toHaveLength(3);
  });

  it('abort during the download cancels it too', async () => {
    const log: string[] = [];
    const wc = fakeWebContainer(log);
    const { fetch, calls } = fakeFetch(log, () => new Promise<Response>(() => {}));
    const factory = createWebContainerFactory({ WebContainer: wc.WebContainer, fetch, isolated: () => true });
    const controller = new AbortController();
    const booting = factory.boot({ snapshotUrl: '/s', labFiles: LAB_FILES, signal: controller.signal });
    await settle();
    wc.finishBoot();
    await settle();
    controller.abort();
    await expect(booting).rejects.toMatchObject({ key: 'runtime.error.aborted', step: 'dependencies' });
    expect(calls[0]?.signal?.aborted).toBe(true);
    expect(log.some((l) => l.startsWith('mount:'))).toBe(false);
  });

  it('one WebContainer per page: a second boot is refused while a runtime lives; after its dispose the next one reuses the WebContainer', async () => {
    const log: string[] = [];
    const wc = fakeWebContainer(log);
    const { fetch, calls } = fakeFetch(log);
    const factory = createWebContainerFactory({ WebContainer: wc.WebContainer, fetch, isolated: () => true });
    const first = factory.boot({ snapshotUrl: '/s', labFiles: LAB_FILES });
    await expect(factory.boot({ snapshotUrl: '/s', labFiles: LAB_FILES })).rejects.toMatchObject({ key: 'runtime.error.alreadyBooted' });
    await settle();
    const container = wc.finishBoot();
    const runtime = await first;
    await expect(factory.boot({ snapshotUrl: '/s', labFiles: LAB_FILES })).rejects.toMatchObject({ key: 'runtime.error.alreadyBooted' });
    await runtime.spawn('node', ['host.mjs']);
    await runtime.dispose();
    expect(container.spawned[0]?.process.killed).toBe(true);
    expect(container.tornDown).toBe(false); // handed back, not torn down
    expect(container.listenerCount()).toBe(0);
    await expect(runtime.readFile('server.js')).rejects.toMatchObject({ key: 'runtime.error.disposed' });

    const steps: BootProgress[] = [];
    const next = await factory.boot({ snapshotUrl: '/s', labFiles: LAB_FILES, files: { 'app.js': 'next' }, onStep: (s) => steps.push(s) });
    expect(wc.boots).toHaveLength(1); // WebContainer.boot() once for the page
    expect(calls).toHaveLength(1); // the snapshot is mounted already: not fetched again
    expect(log.filter((l) => l.startsWith('mount:snapshot'))).toHaveLength(2); // the first boot's two, no more
    expect(steps.filter((s) => s.progress === 1).map((s) => s.step)).toEqual(['boot', 'dependencies', 'files']);
    expect(await next.listFiles()).toEqual(['app.js']);
  });

  it('a WebContainer that reported an error is torn down on dispose, and the next boot boots anew', async () => {
    const log: string[] = [];
    const wc = fakeWebContainer(log);
    const factory = createWebContainerFactory({ WebContainer: wc.WebContainer, fetch: fakeFetch(log).fetch, isolated: () => true });
    const first = factory.boot({ snapshotUrl: '/s', labFiles: LAB_FILES });
    await settle();
    const container = wc.finishBoot();
    const runtime = await first;
    container.emit('error', { message: 'internal' });
    await runtime.dispose();
    expect(container.tornDown).toBe(true);
    const next = factory.boot({ snapshotUrl: '/s', labFiles: LAB_FILES });
    await settle();
    expect(wc.boots).toHaveLength(2);
    wc.finishBoot(1);
    await expect(next).resolves.toMatchObject({ kind: 'webcontainer' });
  });

  it('two factories are independent objects (no module-level singleton)', async () => {
    const log: string[] = [];
    const a = createWebContainerFactory({ WebContainer: fakeWebContainer(log).WebContainer, fetch: fakeFetch(log).fetch, isolated: () => true });
    const b = createWebContainerFactory({ WebContainer: fakeWebContainer(log).WebContainer, fetch: fakeFetch(log).fetch, isolated: () => true });
    void a.boot({ snapshotUrl: '/s', labFiles: LAB_FILES }).catch(() => {});
    expect(a.state).toBe('booting');
    expect(b.state).toBe('idle');
  });
});

describe('WebContainer adapter: the runtime', () => {
  async function booted() {
    const log: string[] = [];
    const wc = fakeWebContainer(log);
    const factory = createWebContainerFactory({ WebContainer: wc.WebContainer, fetch: fakeFetch(log).fetch, isolated: () => true });
    const errors: RuntimeError[] = [];
    const booting = factory.boot({
      snapshotUrl: '/s',
      labFiles: LAB_FILES,
      files: LESSON,
      previewTimeoutMs: 50,
      onError: (e) => errors.push(e),
    });
    await settle();
    const container = wc.finishBoot();
    return { runtime: await booting, container, log, errors };
  }

  it('reads, writes and lists the lesson files only; mount replaces them and keeps dependencies and lab', async () => {
    const { runtime, container } = await booted();
    expect(await runtime.listFiles()).toEqual(['server.js', 'views/index.html']);
    await runtime.writeFile('sessions/abc.json', '{"cookie":{}}');
    expect(await runtime.readFile('./sessions/abc.json')).toBe('{"cookie":{}}');
    expect(await runtime.listFiles()).toEqual(['server.js', 'sessions/abc.json', 'views/index.html']);
    await expect(runtime.readFile('missing.js')).rejects.toMatchObject({ key: 'runtime.error.fileMissing' });
    await expect(runtime.writeFile('../escape.js', '')).rejects.toMatchObject({ key: 'runtime.error.badPath' });

    await runtime.mount({ 'app.js': 'next lesson' });
    expect(await runtime.listFiles()).toEqual(['app.js']);
    expect(container.fs.entries.has('node_modules/express/package.json')).toBe(true);
    expect(container.fs.entries.has(`${LAB_FOLDER}/host.mjs`)).toBe(true);
  });

  it('spawned processes: output stream, input through the writer, kill', async () => {
    const { runtime, container } = await booted();
    const process = await runtime.spawn('node', ['server.js']);
    const fake = container.spawned[0]?.process as FakeProcess;
    await process.write('one\n');
    await process.write('two\n');
    expect(fake.stdin).toEqual(['one\n', 'two\n']);
    fake.print('hello\r\n');
    const reader = process.output.getReader();
    expect(await reader.read()).toEqual({ done: false, value: 'hello\r\n' });
    process.kill();
    expect(fake.killed).toBe(true);
    await expect(process.exit).resolves.toBe(143);
  });

  it('previewUrl waits for server-ready / port events, and times out when none comes', async () => {
    const { runtime, container } = await booted();
    const waiting = runtime.previewUrl(3000);
    container.emit('port', 4000, 'open', 'https://x--4000.local-credentialless.webcontainer-api.io');
    container.emit('server-ready', 3000, 'https://x--3000.local-credentialless.webcontainer-api.io');
    await expect(waiting).resolves.toBe('https://x--3000.local-credentialless.webcontainer-api.io');
    await expect(runtime.previewUrl(4000)).resolves.toContain('--4000');
    container.emit('port', 4000, 'close', '');
    await expect(runtime.previewUrl(4000)).rejects.toMatchObject({ key: 'runtime.error.previewTimeout' });
  });

  it('reports a crash of the lesson server and of the host process itself', async () => {
    const { runtime, container, errors } = await booted();
    container.onSpawn = (process) => process.frame({ t: 'hello', version: 1, pid: 2 });
    const host = await startHost(runtime, { helloTimeoutMs: 1_000, drainMs: 20 });
    const fake = container.spawned[0]?.process as FakeProcess;
    const seen: string[] = [];
    host.onExit((instance, code) => seen.push(`exit:${instance}:${code}`));
    host.onHostExit((code) => seen.push(`host-exit:${code}`));

    const running = host.startAndWait({}, { timeoutMs: 1_000 });
    await vi.waitFor(() => expect(fake.stdin).toHaveLength(1), { timeout: 1_000, interval: 1 });
    const start = JSON.parse(fake.stdin[0] ?? '') as { id: number };
    fake.frame({ t: 'reply', id: start.id, ok: true, result: { instance: 'main', port: 3000, pid: 9 } });
    fake.frame({ t: 'out', instance: 'main', stream: 'stderr', data: 'TypeError: x is not a function\n' });
    fake.frame({ t: 'exit', instance: 'main', code: 1, signal: null });
    await expect(running).rejects.toMatchObject({ key: 'runtime.error.serverCrashed' });

    const pending = host.request({ browser: 'A', method: 'GET', path: '/' });
    await vi.waitFor(() => expect(fake.stdin).toHaveLength(2), { timeout: 1_000, interval: 1 });
    fake.end(1); // the host process dies
    await expect(pending).rejects.toMatchObject({ key: 'runtime.error.hostExited' });
    expect(seen).toEqual(['exit:main:1', 'host-exit:1']);

    container.emit('error', { message: 'internal' });
    expect(errors.map((e) => e.key)).toEqual(['runtime.error.internal']);
  });

  it('dispose kills the processes it started and keeps the WebContainer for the next runtime', async () => {
    const { runtime, container } = await booted();
    await runtime.spawn('node', ['a.js']);
    await runtime.spawn('node', ['b.js']);
    await runtime.dispose();
    expect(container.spawned.map((s) => s.process.killed)).toEqual([true, true]);
    expect(container.tornDown).toBe(false);
  });
});

describe('toTree', () => {
  it('nests folders and rejects paths out of the workspace', () => {
    expect(toTree({ 'a.js': '1', 'lib/b.js': '2', './lib/c/d.js': '3' })).toEqual({
      'a.js': { file: { contents: '1' } },
      lib: { directory: { 'b.js': { file: { contents: '2' } }, c: { directory: { 'd.js': { file: { contents: '3' } } } } } },
    });
    expect(() => toTree({ '../x.js': '' })).toThrow(RuntimeError);
    expect(() => toTree({ 'a.js': '1', 'a.js/b.js': '2' })).toThrow(RuntimeError);
  });
});
