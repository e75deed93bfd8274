// The WebContainer runtime: the Runtime contract over @webcontainer/api.
//
// The page passes in the `WebContainer` class (so tests pass a fake that must match the real
// package's types) and owns the factory object returned here: it is what guards "one WebContainer
// per page" — no module-level singleton. `WebContainer.boot()` is called once per factory: a
// runtime that is disposed hands the booted WebContainer back (its processes killed, its
// dependencies kept mounted) and the next boot reuses it. The package refuses a second boot while
// one instance lives ("Only a single WebContainer instance can be booted"), and an instance whose
// iframe is gone cannot be torn down or replaced, so booting again is never the way to recover;
// only a WebContainer that reported an error is torn down on dispose.
//
// Boot never runs `npm install`: the dependencies come as a prebuilt snapshot
// (scripts/snapshot.ts), fetched while WebContainer.boot() runs and mounted at the workspace root.
// WebContainer.boot() can hang forever (offline: its runtime loads from the internet), so it races
// our own limit — a long one: a first visit on a slow link takes many seconds, and a boot that is
// merely slow must never be abandoned (after SLOW_BOOT_MS the boot panel offers the alternatives
// while it goes on).
import type { BootOptions, FileSystemAPI, FileSystemTree, WebContainer, WebContainerProcess } from '@webcontainer/api';
import { deadline, linkedController, timeoutError } from './deadline.ts';
import { normalizePath, parentOf } from './paths.ts';
import {
  RuntimeError,
  isRuntimeError,
  type BootListener,
  type BootStep,
  type LabScript,
  type Runtime,
  type RuntimeErrorKey,
  type RuntimeProcess,
} from './types.ts';

/** The parts of a booted WebContainer this adapter uses, typed by the real package. */
export type WebContainerInstance = Pick<WebContainer, 'mount' | 'spawn' | 'on' | 'teardown' | 'workdir'> & {
  readonly fs: Pick<FileSystemAPI, 'readFile' | 'writeFile' | 'readdir' | 'rm' | 'mkdir'>;
};
/** What the adapter needs of the `WebContainer` class: its static `boot`. The real class satisfies it. */
export interface WebContainerClass {
  boot(options?: BootOptions): Promise<WebContainerInstance>;
}

/** The folder (at the workspace root) that holds the lab's inside/ scripts. */
export const LAB_FOLDER = '.lab';
/** Root entries that are not the lesson's: kept when a lesson's files replace another's. */
const RESERVED = new Set(['node_modules', LAB_FOLDER]);

/** How long WebContainer.boot() may take before the boot is declared failed. */
export const DEFAULT_BOOT_TIMEOUT_MS = 60_000;
/** A WebContainer start slower than this is offered the alternatives (local runner, read-only). */
export const SLOW_BOOT_MS = 12_000;
export const DEFAULT_DEPENDENCIES_TIMEOUT_MS = 30_000;
export const DEFAULT_PREVIEW_TIMEOUT_MS = 10_000;

export interface WebContainerFactoryOptions {
  readonly WebContainer: WebContainerClass;
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch;
  /** Default: `globalThis.crossOriginIsolated === true`. */
  readonly isolated?: () => boolean;
  /** Passed to WebContainer.boot (fixed at the first boot of the page). */
  readonly bootOptions?: BootOptions;
}

export interface WebContainerBootOptions {
  /** Where the dependency snapshot (node_modules, msgpack) is served. */
  readonly snapshotUrl: string;
  /** lab/inside's scripts (file name → text), mounted under `.lab/`; as a function, asked for only
   * once the WebContainer has booted (a page where it never boots never fetches them). */
  readonly labFiles: Readonly<Record<string, string>> | (() => Promise<Readonly<Record<string, string>>>);
  /** The lesson's files, mounted at the workspace root. */
  readonly files?: Readonly<Record<string, string>>;
  readonly bootTimeoutMs?: number;
  readonly dependenciesTimeoutMs?: number;
  readonly previewTimeoutMs?: number;
  /** Named steps with progress: boot → dependencies → files. */
  readonly onStep?: BootListener;
  /** Errors the WebContainer reports after boot. */
  readonly onError?: (error: RuntimeError) => void;
  readonly signal?: AbortSignal;
}

export type WebContainerFactoryState = 'idle' | 'booting' | 'booted';

export interface WebContainerFactory {
  /** Boots (or, after a timed-out try, keeps waiting for the same boot; after a dispose, reuses
   * the booted WebContainer) and prepares the workspace. One runtime at a time: `alreadyBooted`
   * while one is booting or alive (dispose it first). */
  boot(options: WebContainerBootOptions): Promise<Runtime>;
  readonly state: WebContainerFactoryState;
}

export function createWebContainerFactory(options: WebContainerFactoryOptions): WebContainerFactory {
  const fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const isolated = options.isolated ?? (() => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true);
  const bootOptions: BootOptions = options.bootOptions ?? { coep: 'require-corp', workdirName: 'session-lab' };
  let state: WebContainerFactoryState = 'idle';
  // The single WebContainer.boot() call of the page; kept across a timed-out try and across a
  // disposed runtime, so that a retry or the next workbench uses the same WebContainer instead of
  // starting a second one (which WebContainer refuses).
  let instance: Promise<WebContainerInstance> | null = null;
  /** The booted WebContainer whose dependency snapshot is mounted already. */
  let prepared: WebContainerInstance | null = null;

  const bootInstance = (): Promise<WebContainerInstance> => {
    if (!instance) {
      const booting = options.WebContainer.boot(bootOptions);
      instance = booting;
      booting.catch(() => {
        if (instance === booting) instance = null;
      });
    }
    return instance;
  };

  return {
    get state() {
      return state;
    },
    async boot(boot) {
      if (state !== 'idle') throw new RuntimeError('runtime.error.alreadyBooted', { step: 'boot' });
      if (!isolated()) throw new RuntimeError('runtime.error.notIsolated', { step: 'boot' });
      if (boot.signal?.aborted) throw new RuntimeError('runtime.error.aborted', { step: 'boot', cause: boot.signal.reason });
      state = 'booting';
      try {
        const container = await prepare(boot, bootInstance, fetchFn, prepared);
        prepared = container;
        state = 'booted';
        return createRuntime(container, boot, (tornDown) => {
          state = 'idle';
          if (tornDown) {
            instance = null;
            prepared = null;
          }
        });
      } catch (error) {
        state = 'idle';
        throw error;
      }
    },
  };
}

/** boot ∥ fetch(snapshot) → mount(snapshot) → mount(lab scripts, lesson files). A WebContainer
 * that has the snapshot already (a runtime before this one prepared it) skips the download. */
async function prepare(
  boot: WebContainerBootOptions,
  bootInstance: () => Promise<WebContainerInstance>,
  fetchFn: typeof fetch,
  reused: WebContainerInstance | null,
): Promise<WebContainerInstance> {
  const { controller, release } = linkedController(boot.signal);
  const signal = controller.signal;
  const bootMs = boot.bootTimeoutMs ?? DEFAULT_BOOT_TIMEOUT_MS;
  const depsMs = boot.dependenciesTimeoutMs ?? DEFAULT_DEPENDENCIES_TIMEOUT_MS;
  const steps = stepReporter(boot.onStep, signal);
  const aborted = (step: BootStep) => () => new RuntimeError('runtime.error.aborted', { step, cause: boot.signal?.reason });

  try {
    steps.report('boot', 0);
    // Both start now: the download does not wait for the boot.
    const booting = bootInstance();
    let downloaded = 0;
    let booted = false;
    const download = reused
      ? null
      : fetchSnapshot(fetchFn, boot.snapshotUrl, signal, (fraction) => {
          downloaded = fraction;
          if (booted) steps.report('dependencies', fraction * 0.8);
        });
    download?.catch(() => {}); // awaited below; a failure during the boot must not go unhandled

    const container = await deadline(booting, {
      ms: bootMs,
      timeout: timeoutError('runtime.error.bootTimeout', bootMs, 'boot'),
      signal,
      aborted: aborted('boot'),
    }).catch((error: unknown) => {
      throw asRuntimeError(error, 'runtime.error.bootFailed', 'boot');
    });
    booted = true;
    steps.report('boot', 1);
    const labFiles = typeof boot.labFiles === 'function' ? boot.labFiles() : Promise.resolve(boot.labFiles);
    labFiles.catch(() => {}); // awaited below; a failure meanwhile must not go unhandled
    if (download && container !== reused) {
      steps.report('dependencies', downloaded * 0.8);
      const snapshot = await deadline(download, {
        ms: depsMs,
        timeout: timeoutError('runtime.error.dependenciesTimeout', depsMs, 'dependencies'),
        signal,
        aborted: aborted('dependencies'),
      }).catch((error: unknown) => {
        throw asRuntimeError(error, 'runtime.error.dependenciesFailed', 'dependencies');
      });
      // Mounting transfers the bytes: the lab's copy (its own node_modules, which a learner's
      // `npm install` cannot prune: lab/inside/lab-packages.mjs) is mounted from a copy.
      const labCopy = snapshot.slice(0);
      await step(container.mount(snapshot), 'dependencies', signal, aborted('dependencies'));
      steps.report('dependencies', 0.9);
      await step(container.mount(labCopy, { mountPoint: LAB_FOLDER }), 'dependencies', signal, aborted('dependencies'));
    }
    steps.report('dependencies', 1);

    steps.report('files', 0);
    await step(container.mount({ [LAB_FOLDER]: { directory: toTree(await step(labFiles, 'files', signal, aborted('files'))) } }), 'files', signal, aborted('files'));
    steps.report('files', 0.5);
    if (boot.files) await step(container.mount(toTree(boot.files)), 'files', signal, aborted('files'));
    steps.report('files', 1);
    return container;
  } catch (error) {
    controller.abort();
    throw error;
  } finally {
    release();
  }
}

function step<T>(promise: Promise<T>, name: BootStep, signal: AbortSignal, aborted: () => Error): Promise<T> {
  return deadline(promise, { signal, aborted }).catch((error: unknown) => {
    throw asRuntimeError(error, 'runtime.error.mountFailed', name);
  });
}

function asRuntimeError(error: unknown, key: RuntimeErrorKey, step: BootStep): RuntimeError {
  return isRuntimeError(error) ? error : new RuntimeError(key, { step, cause: error });
}

/** Reports steps in order, each progress only forward, and nothing once aborted. */
function stepReporter(listener: BootListener | undefined, signal: AbortSignal) {
  let last: { step: BootStep; progress: number } | null = null;
  return {
    report(step: BootStep, progress: number) {
      if (!listener || signal.aborted) return;
      if (last && last.step === step && progress <= last.progress && progress !== 0) return;
      last = { step, progress };
      listener({ step, progress });
    },
  };
}

/** Downloads the snapshot, reporting the fraction received when the size is known. */
async function fetchSnapshot(
  fetchFn: typeof fetch,
  url: string,
  signal: AbortSignal,
  onProgress: (fraction: number) => void,
): Promise<ArrayBuffer> {
  const response = await fetchFn(url, { signal });
  if (!response.ok) {
    throw new RuntimeError('runtime.error.dependenciesFailed', { step: 'dependencies', detail: { status: response.status } });
  }
  const total = Number(response.headers.get('content-length') ?? 0);
  if (!response.body || !(total > 0)) {
    const buffer = await response.arrayBuffer();
    onProgress(1);
    return buffer;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.byteLength;
    // With Content-Encoding the length counts compressed bytes: never claim more than 99 %.
    onProgress(Math.min(received / total, 0.99));
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  onProgress(1);
  return bytes.buffer;
}

/** `{ 'src/app.js': text }` → a WebContainer FileSystemTree. */
export function toTree(files: Readonly<Record<string, string>>): FileSystemTree {
  const root: FileSystemTree = {};
  for (const [path, contents] of Object.entries(files)) {
    const parts = normalizePath(path).split('/');
    const name = parts.pop() as string;
    let folder = root;
    for (const part of parts) {
      const node = (folder[part] ??= { directory: {} });
      if (!('directory' in node)) throw new RuntimeError('runtime.error.badPath', { detail: { path } });
      folder = node.directory;
    }
    folder[name] = { file: { contents } };
  }
  return root;
}

/** `onDisposed(tornDown)`: the runtime is gone; `tornDown` when the WebContainer went with it. */
function createRuntime(container: WebContainerInstance, boot: WebContainerBootOptions, onDisposed: (tornDown: boolean) => void): Runtime {
  const previewMs = boot.previewTimeoutMs ?? DEFAULT_PREVIEW_TIMEOUT_MS;
  const urls = new Map<number, string>();
  const urlWaiters = new Map<number, Set<(url: string) => void>>();
  const processes = new Set<WebContainerProcess>();
  let disposed = false;
  /** The WebContainer reported an error: it is not handed on to the next runtime. */
  let broken = false;

  const portReady = (port: number, url: string) => {
    urls.set(port, url);
    const waiters = urlWaiters.get(port);
    urlWaiters.delete(port);
    waiters?.forEach((resolve) => resolve(url));
  };
  const unsubscribe = [
    container.on('server-ready', portReady),
    container.on('port', (port, type, url) => {
      if (type === 'open') portReady(port, url);
      else urls.delete(port);
    }),
    container.on('error', (error) => {
      broken = true;
      boot.onError?.(new RuntimeError('runtime.error.internal', { detail: { message: error.message } }));
    }),
  ];

  const alive = () => {
    if (disposed) throw new RuntimeError('runtime.error.disposed');
  };

  const clearLessonFiles = async () => {
    const entries = await container.fs.readdir('/');
    for (const name of entries) {
      if (!RESERVED.has(name)) await container.fs.rm(name, { recursive: true, force: true });
    }
  };

  const listFrom = async (folder: string, out: string[]) => {
    const entries = await container.fs.readdir(folder === '' ? '/' : folder, { withFileTypes: true });
    for (const entry of entries) {
      const path = folder === '' ? entry.name : `${folder}/${entry.name}`;
      if (folder === '' && RESERVED.has(entry.name)) continue;
      if (entry.isDirectory()) await listFrom(path, out);
      else if (entry.isFile()) out.push(path);
    }
  };

  return {
    kind: 'webcontainer',
    labScript: (name: LabScript) => `${container.workdir}/${LAB_FOLDER}/${name}`,
    // No IPC, `--require` or warm standby assumed in a WebContainer's own Node (lab/README.md).
    hostArgs: ['--portable'],
    async mount(files) {
      alive();
      const tree = toTree(files);
      await clearLessonFiles();
      await container.mount(tree);
    },
    async writeFile(path, text) {
      alive();
      const file = normalizePath(path);
      const folder = parentOf(file);
      if (folder !== '') await container.fs.mkdir(folder, { recursive: true });
      await container.fs.writeFile(file, text);
    },
    async readFile(path) {
      alive();
      const file = normalizePath(path);
      try {
        return await container.fs.readFile(file, 'utf-8');
      } catch (error) {
        throw new RuntimeError('runtime.error.fileMissing', { detail: { path: file }, cause: error });
      }
    },
    async listFiles() {
      alive();
      const out: string[] = [];
      await listFrom('', out);
      return out.sort();
    },
    async spawn(command, args) {
      alive();
      const process = await container.spawn(command, args);
      processes.add(process);
      void process.exit.then(
        () => processes.delete(process),
        () => processes.delete(process),
      );
      let writer: WritableStreamDefaultWriter<string> | null = null;
      const handle: RuntimeProcess = {
        output: process.output,
        exit: process.exit,
        async write(text) {
          writer ??= process.input.getWriter();
          await writer.write(text);
        },
        kill: () => process.kill(),
      };
      return handle;
    },
    async previewUrl(port) {
      alive();
      const known = urls.get(port);
      if (known !== undefined) return known;
      let waiter!: (url: string) => void;
      const waiting = new Promise<string>((resolve) => {
        waiter = resolve;
      });
      const set = urlWaiters.get(port) ?? new Set();
      set.add(waiter);
      urlWaiters.set(port, set);
      try {
        return await deadline(waiting, { ms: previewMs, timeout: timeoutError('runtime.error.previewTimeout', previewMs) });
      } finally {
        urlWaiters.get(port)?.delete(waiter);
      }
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      for (const process of processes) process.kill();
      processes.clear();
      unsubscribe.forEach((off) => off());
      urlWaiters.clear();
      if (broken) container.teardown();
      onDisposed(broken);
    },
  };
}
