// Talks to lab/inside/host.mjs through any Runtime: spawns it, reads its frames, sends commands
// (JSON lines with ids) and resolves their replies. "Ready" is the probe's `listening` event for an
// instance, never a match on output text.
import { deadline, timeoutError } from './deadline.ts';
import { createFrameReader, encodeCommand } from '../../lab/protocol/frames.ts';
import {
  DEFAULT_INSTANCE,
  LIFECYCLE_OPS,
  type CommandMap,
  type Command,
  type HelloFrame,
  type HostFeatureReport,
  type HostFrame,
  type Instance,
  type NoticeKey,
  type Op,
  type OutputStream,
  type RequestParams,
  type StartParams,
  type StartResult,
  type StopResult,
} from '../../lab/protocol/host.ts';
import type { Check, CheckResult } from '../../lab/protocol/checks.ts';
import type { ProbeEvent, VerifyResult } from '../../lab/protocol/probe.ts';
import type { BrowserId, JarCookie, RequestResult } from '../../lab/protocol/requests.ts';
import { createListeners, reportPageError } from './listeners.ts';
import { RuntimeError, type BootListener, type Runtime, type RuntimeProcess, type Unsubscribe } from './types.ts';

export { DEFAULT_INSTANCE };

/** Per-command reply timeouts (ms); a request's own `timeoutMs` is added to its budget. */
export const DEFAULT_COMMAND_TIMEOUTS: Readonly<Record<Op, number>> = {
  start: 15_000,
  stop: 10_000,
  restart: 25_000,
  request: 5_000,
  jar: 5_000,
  setCookie: 5_000,
  clearJar: 5_000,
  check: 60_000,
  verify: 5_000,
};
const DEFAULT_REQUEST_TIMEOUT = 10_000;

/** The host answered a command with `ok: false`. `key` is the host's message key. */
export class HostCommandError extends Error {
  readonly op: Op;
  readonly key: string;
  constructor(op: Op, key: string, message: string) {
    super(`${op}: ${key}${message ? ` (${message})` : ''}`);
    this.name = 'HostCommandError';
    this.op = op;
    this.key = key;
  }
}

export interface HostClientOptions {
  /** Waiting for the host's `hello` (ms, default 15 s: a WebContainer's Node starts slower). */
  readonly helloTimeoutMs?: number;
  /** Overrides of DEFAULT_COMMAND_TIMEOUTS. */
  readonly timeouts?: Partial<Record<Op, number>>;
  /** Once the host process ended, how long to let its last output arrive (ms). */
  readonly drainMs?: number;
  readonly signal?: AbortSignal;
  /** Output lines that are no frames (a pty's echo), for debugging. */
  readonly onNoise?: (line: string) => void;
  /** A subscriber threw (default: `reportError`, else `console.error`); the reader goes on. */
  readonly onListenerError?: (error: unknown) => void;
}

export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface HostClient {
  readonly hello: Pick<HelloFrame, 'version' | 'pid'>;
  /** What the host's self-test found, once it said (null until then). */
  readonly features: HostFeatureReport | null;
  onFeatures(listener: (features: HostFeatureReport) => void): Unsubscribe;
  start(params?: StartParams): Promise<StartResult>;
  stop(instance?: Instance): Promise<StopResult>;
  restart(instance?: Instance): Promise<StartResult>;
  request(params: RequestParams): Promise<RequestResult>;
  jar(browser: BrowserId): Promise<JarCookie[]>;
  setCookie(browser: BrowserId, name: string, value: string): Promise<JarCookie[]>;
  clearJar(browser?: BrowserId): Promise<void>;
  check(checks: readonly Check[], instance?: Instance): Promise<CheckResult[]>;
  verify(value: string, instance?: Instance): Promise<VerifyResult>;
  /** The port once the instance's probe reported `listening` (now, or when it does). Rejects with
   * `serverCrashed` (or `serverStopped`) when it ends first, `serverTimeout` when the time is up. */
  whenListening(instance?: Instance, options?: WaitOptions): Promise<number>;
  /** The port an instance listens on now, if it does. */
  listeningPort(instance?: Instance): number | undefined;
  /** start, then wait for `listening`, reporting the `server` and `ready` boot steps. */
  startAndWait(params?: StartParams, options?: WaitOptions & { onStep?: BootListener }): Promise<StartResult>;
  onOutput(listener: (instance: Instance, stream: OutputStream, data: string) => void): Unsubscribe;
  onEvent(listener: (instance: Instance, event: ProbeEvent) => void): Unsubscribe;
  /** A lesson server ended; `requested` is false for a crash (it was not stopped or restarted). */
  onExit(listener: (instance: Instance, code: number | null, signal: string | null, requested: boolean) => void): Unsubscribe;
  /** A host notice; `data` is as the host sent it (lab/protocol/host.ts, NoticeData): check what you read. */
  onNotice(listener: (instance: Instance, key: NoticeKey, data: unknown) => void): Unsubscribe;
  /** The host process itself ended (every pending command has been rejected with `hostExited`).
   * `cause`: why, when the runtime knows (e.g. a RuntimeError `suspended`: the runner made room). */
  onHostExit(listener: (code: number | null, cause: unknown) => void): Unsubscribe;
  readonly closed: boolean;
  /** Stops the host (and so every lesson server). */
  close(): Promise<void>;
}

type HostRuntime = Pick<Runtime, 'spawn' | 'labScript' | 'hostArgs'>;


/** Spawns the host in `runtime` and resolves once it said hello. */
export async function startHost(runtime: HostRuntime, options: HostClientOptions = {}): Promise<HostClient> {
  const helloMs = options.helloTimeoutMs ?? 15_000;
  const spawning = runtime.spawn('node', [runtime.labScript('host.mjs'), ...(runtime.hostArgs ?? [])]);
  const process = await deadline(spawning, {
    ms: helloMs,
    timeout: timeoutError('runtime.error.hostStartTimeout', helloMs, 'server'),
    signal: options.signal,
  }).catch((error: unknown) => {
    void spawning.then((late) => late.kill(), () => {}); // a process that comes after we gave up
    throw error;
  });
  const client = connectHost(process, options);
  try {
    await client.ready(helloMs, options.signal);
  } catch (error) {
    process.kill();
    throw error;
  }
  return client.api;
}

interface Pending {
  readonly op: Op;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}
/** What an instance's current run did last. A start/restart in flight is `starting`: exits seen
 * then belong to the run it replaces (or, by pid, to the new one, known when the reply comes). */
type InstanceState =
  | { readonly status: 'starting'; readonly exits: Map<number, Ended> }
  | { readonly status: 'running'; readonly pid: number | undefined }
  | { readonly status: 'listening'; readonly pid: number | undefined; readonly port: number }
  | { readonly status: 'exited'; readonly code: number | null; readonly signal: string | null; readonly requested: boolean }
  | { readonly status: 'failed'; readonly error: Error };

interface Ended {
  readonly code: number | null;
  readonly signal: string | null;
  readonly requested: boolean;
}
/** Why an instance does not listen: it crashed, or it was stopped. */
const ended = (instance: Instance, { code, signal, requested }: Ended) =>
  new RuntimeError(requested ? 'runtime.error.serverStopped' : 'runtime.error.serverCrashed', {
    step: 'server',
    detail: { instance, code, signal },
  });

interface Waiter {
  readonly resolve: (port: number) => void;
  readonly reject: (error: Error) => void;
}

/** The client over an already spawned host process (exported for tests and for callers that spawn it themselves). */
export function connectHost(
  process: RuntimeProcess,
  options: Omit<HostClientOptions, 'helloTimeoutMs' | 'signal'> = {},
): { api: HostClient; ready(timeoutMs: number, signal?: AbortSignal): Promise<void> } {
  const timeouts = { ...DEFAULT_COMMAND_TIMEOUTS, ...options.timeouts };
  const drainMs = options.drainMs ?? 1_000;
  // A listener's bug must not stop the frame reader; it is reported where errors go.
  const listenerError = options.onListenerError ?? reportPageError;
  const pending = new Map<number, Pending>();
  /** What each instance did last: started, listens, or ended (with how). */
  const instances = new Map<Instance, InstanceState>();
  const waiters = new Map<Instance, Set<Waiter>>();
  const listeners = {
    output: createListeners<[instance: Instance, stream: OutputStream, data: string]>(listenerError),
    event: createListeners<[instance: Instance, event: ProbeEvent]>(listenerError),
    exit: createListeners<[instance: Instance, code: number | null, signal: string | null, requested: boolean]>(listenerError),
    notice: createListeners<[instance: Instance, key: NoticeKey, data: unknown]>(listenerError),
    hostExit: createListeners<[code: number | null, cause: unknown]>(listenerError),
    features: createListeners<[features: HostFeatureReport]>(listenerError),
  };
  let nextId = 0;
  let closed = false;
  let hello: HelloFrame | null = null;
  let features: HostFeatureReport | null = null;
  let helloWaiter: Waiter | null = null;
  let lifecycleTail: Promise<unknown> = Promise.resolve();

  const settleWaiters = (instance: Instance, settle: (waiter: Waiter) => void) => {
    const set = waiters.get(instance);
    if (!set) return;
    waiters.delete(instance);
    for (const waiter of set) settle(waiter);
  };

  const onFrame = (frame: HostFrame) => {
    switch (frame.t) {
      case 'hello':
        hello = frame;
        helloWaiter?.resolve(frame.pid);
        return;
      case 'out':
        listeners.output.emit(frame.instance, frame.stream, frame.data);
        return;
      case 'event':
        if (frame.event.type === 'listening') {
          const port = frame.event.port;
          const state = instances.get(frame.instance);
          instances.set(frame.instance, { status: 'listening', port, pid: state?.status === 'running' ? state.pid : undefined });
          settleWaiters(frame.instance, (waiter) => waiter.resolve(port));
        }
        listeners.event.emit(frame.instance, frame.event);
        return;
      case 'exit': {
        const state = instances.get(frame.instance);
        const end: Ended = { code: frame.code, signal: frame.signal, requested: frame.requested ?? false };
        if (state?.status === 'starting') {
          if (frame.pid !== undefined) state.exits.set(frame.pid, end);
        } else if (
          (state?.status === 'running' || state?.status === 'listening') &&
          state.pid !== undefined &&
          frame.pid !== undefined &&
          state.pid !== frame.pid
        ) {
          // an earlier run's end, reported late: the current run goes on
        } else {
          instances.set(frame.instance, { status: 'exited', ...end });
          settleWaiters(frame.instance, (waiter) => waiter.reject(ended(frame.instance, end)));
        }
        listeners.exit.emit(frame.instance, frame.code, frame.signal, frame.requested ?? false);
        return;
      }
      case 'notice':
        listeners.notice.emit(frame.instance, frame.key, frame.data);
        return;
      case 'features': {
        const { t: _frame, ...found } = frame;
        features = found;
        listeners.features.emit(found);
        return;
      }
      case 'reply': {
        if (typeof frame.id !== 'number') return; // our commands' ids are numbers
        const entry = pending.get(frame.id);
        if (!entry) return; // timed out already, or not ours
        pending.delete(frame.id);
        clearTimeout(entry.timer);
        if (frame.ok) entry.resolve(frame.result);
        else entry.reject(new HostCommandError(entry.op, frame.error?.key ?? 'unknown', frame.error?.message ?? ''));
        return;
      }
    }
  };

  // Read the output to its end.
  const reader = createFrameReader(options.onNoise);
  const pump = (async () => {
    const stream = process.output.getReader();
    try {
      for (;;) {
        const { done, value } = await stream.read();
        if (done) break;
        for (const frame of reader.push(value)) onFrame(frame);
      }
    } catch {
      // The stream failed: the exit handling below reports the end.
    } finally {
      stream.releaseLock();
    }
    for (const frame of reader.end()) onFrame(frame);
  })();

  const hostEnded = (code: number | null, cause?: unknown) => {
    closed = true;
    const error = () => new RuntimeError('runtime.error.hostExited', { detail: { code }, cause });
    for (const [id, entry] of pending) {
      clearTimeout(entry.timer);
      pending.delete(id);
      entry.reject(error());
    }
    for (const instance of [...waiters.keys()]) settleWaiters(instance, (waiter) => waiter.reject(error()));
    helloWaiter?.reject(error());
    instances.clear();
    listeners.hostExit.emit(code, cause);
  };
  const exited = process.exit.then(
    (code) => ({ code, cause: undefined as unknown }),
    (cause: unknown) => ({ code: null, cause }),
  );
  void exited.then(async ({ code, cause }) => {
    // Let the frames written just before the end arrive first.
    await deadline(pump, { ms: drainMs }).catch(() => {});
    hostEnded(code, cause);
  });

  const send = <O extends Op>(op: O, params: CommandMap[O]['params'], budget: number): Promise<CommandMap[O]['result']> => {
    if (closed) return Promise.reject(new RuntimeError('runtime.error.hostExited'));
    const id = ++nextId;
    const command = { ...params, id, op } as Command<O>;
    return new Promise<CommandMap[O]['result']>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new RuntimeError('runtime.error.commandTimeout', { detail: { op, seconds: budget / 1000 } }));
      }, budget);
      pending.set(id, { op, resolve: resolve as (value: unknown) => void, reject, timer });
      process.write(encodeCommand(command)).catch((error: unknown) => {
        clearTimeout(timer);
        pending.delete(id);
        reject(new RuntimeError('runtime.error.hostExited', { cause: error }));
      });
    });
  };

  /** start/restart, following the instance's state from the command to its reply. */
  const starting = (op: 'start' | 'restart', params: StartParams, budget: number): Promise<StartResult> => {
    const name = params.instance ?? DEFAULT_INSTANCE;
    const marker: InstanceState = { status: 'starting', exits: new Map() };
    instances.set(name, marker);
    return send(op, params, budget).then(
      (result) => {
        const now = instances.get(name);
        const end = result.pid === undefined ? undefined : marker.exits.get(result.pid);
        if (now === marker && end) {
          instances.set(name, { status: 'exited', ...end });
          settleWaiters(name, (waiter) => waiter.reject(ended(name, end)));
        } else if (now === marker) {
          instances.set(name, { status: 'running', pid: result.pid });
        } else if (now?.status === 'listening' && now.pid === undefined) {
          instances.set(name, { ...now, pid: result.pid });
        }
        return result;
      },
      (error: Error) => {
        if (instances.get(name) === marker) {
          instances.set(name, { status: 'failed', error });
          settleWaiters(name, (waiter) => waiter.reject(error));
        }
        throw error;
      },
    );
  };

  /** Lifecycle commands run one after another; the others wait for the lifecycle commands sent
   * before them (a request after a restart reaches the new server) and overlap each other. */
  const command = <O extends Op>(op: O, params: CommandMap[O]['params'], budget = timeouts[op]) => {
    const run = lifecycleTail.then(
      (): Promise<CommandMap[O]['result']> =>
        op === 'start' || op === 'restart'
          ? (starting(op, params as StartParams, budget) as Promise<CommandMap[O]['result']>)
          : send(op, params, budget),
    );
    if (LIFECYCLE_OPS.has(op)) lifecycleTail = run.catch(() => {});
    return run;
  };

  const whenListening = (instance: Instance = DEFAULT_INSTANCE, wait: WaitOptions = {}): Promise<number> => {
    const state = instances.get(instance);
    if (state?.status === 'listening') return Promise.resolve(state.port);
    if (state?.status === 'exited') return Promise.reject(ended(instance, state));
    if (state?.status === 'failed') return Promise.reject(state.error);
    if (closed) return Promise.reject(new RuntimeError('runtime.error.hostExited'));
    let waiter!: Waiter;
    const promise = new Promise<number>((resolve, reject) => {
      waiter = { resolve, reject };
    });
    const set = waiters.get(instance) ?? new Set<Waiter>();
    set.add(waiter);
    waiters.set(instance, set);
    const ms = wait.timeoutMs ?? 15_000;
    return deadline(promise, {
      ms,
      timeout: timeoutError('runtime.error.serverTimeout', ms, 'server'),
      signal: wait.signal,
    }).finally(() => {
      waiters.get(instance)?.delete(waiter);
      if (waiters.get(instance)?.size === 0) waiters.delete(instance);
    });
  };

  const api: HostClient = {
    get hello() {
      return { version: hello?.version ?? '', pid: hello?.pid ?? 0 };
    },
    get closed() {
      return closed;
    },
    start: (params = {}) => command('start', params),
    stop: (instance) => command('stop', instance === undefined ? {} : { instance }),
    restart: (instance) => command('restart', instance === undefined ? {} : { instance }),
    request: (params) =>
      command('request', params, timeouts.request + (params.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT)),
    jar: (browser) => command('jar', { browser }),
    setCookie: (browser, name, value) => command('setCookie', { browser, name, value }),
    clearJar: async (browser) => {
      await command('clearJar', browser === undefined ? {} : { browser });
    },
    check: (checks, instance) => command('check', instance === undefined ? { checks } : { checks, instance }),
    verify: (value, instance) => command('verify', instance === undefined ? { value } : { value, instance }),
    whenListening,
    listeningPort: (instance = DEFAULT_INSTANCE) => {
      const state = instances.get(instance);
      return state?.status === 'listening' ? state.port : undefined;
    },
    async startAndWait(params = {}, wait = {}) {
      wait.onStep?.({ step: 'server', progress: 0 });
      const result = await api.start(params);
      wait.onStep?.({ step: 'server', progress: 0.5 });
      await whenListening(result.instance, wait);
      wait.onStep?.({ step: 'server', progress: 1 });
      wait.onStep?.({ step: 'ready', progress: 1 });
      return result;
    },
    onOutput: (listener) => listeners.output.add(listener),
    onEvent: (listener) => listeners.event.add(listener),
    onExit: (listener) => listeners.exit.add(listener),
    onNotice: (listener) => listeners.notice.add(listener),
    onHostExit: (listener) => listeners.hostExit.add(listener),
    get features() {
      return features;
    },
    onFeatures: (listener) => listeners.features.add(listener),
    async close() {
      if (!closed) {
        closed = true;
        const error = () => new RuntimeError('runtime.error.disposed');
        for (const [id, entry] of pending) {
          clearTimeout(entry.timer);
          pending.delete(id);
          entry.reject(error());
        }
        for (const instance of [...waiters.keys()]) settleWaiters(instance, (waiter) => waiter.reject(error()));
      }
      process.kill();
      await deadline(exited, { ms: 3_000 }).catch(() => {});
    },
  };

  return {
    api,
    ready(timeoutMs, signal) {
      if (hello) return Promise.resolve();
      if (closed) return Promise.reject(new RuntimeError('runtime.error.hostExited'));
      const promise = new Promise<number>((resolve, reject) => {
        helloWaiter = { resolve, reject };
      });
      return deadline(promise, {
        ms: timeoutMs,
        timeout: timeoutError('runtime.error.hostStartTimeout', timeoutMs, 'server'),
        signal,
      })
        .then(() => undefined)
        .finally(() => {
          helloWaiter = null;
        });
    },
  };
}
