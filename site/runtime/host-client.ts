// Talks to lab/inside/host.mjs through any Runtime: spawns it, reads its frames, sends commands
// (JSON lines with ids) and resolves their replies. "Ready" is the probe's `listening` event for an
// instance, never a match on output text. The jobs have their modules: reading the frames
// (host-frame-pump.ts), commands and replies (host-commands.ts), what each instance did last
// (host-instances.ts); this one puts them together behind `HostClient`.
import { deadline, timeoutError } from './deadline.ts';
import {
  DEFAULT_INSTANCE,
  type CommandMap,
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
import { CommandLine, HostCommandError, createLifecycleOrder } from './host-commands.ts';
import { InstanceTracker, type WaitOptions } from './host-instances.ts';
import { pumpFrames } from './host-frame-pump.ts';

export { DEFAULT_INSTANCE, HostCommandError };
export type { WaitOptions };

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

/** The six kinds of news a client tells its subscribers. */
function hostListeners(onError: (error: unknown) => void) {
  return {
    output: createListeners<[instance: Instance, stream: OutputStream, data: string]>(onError),
    event: createListeners<[instance: Instance, event: ProbeEvent]>(onError),
    exit: createListeners<[instance: Instance, code: number | null, signal: string | null, requested: boolean]>(onError),
    notice: createListeners<[instance: Instance, key: NoticeKey, data: unknown]>(onError),
    hostExit: createListeners<[code: number | null, cause: unknown]>(onError),
    features: createListeners<[features: HostFeatureReport]>(onError),
  };
}
type HostListeners = ReturnType<typeof hostListeners>;

/** What the client knows of the host: its hello, its features, whether it is gone. */
interface HostState {
  closed: boolean;
  hello: HelloFrame | null;
  features: HostFeatureReport | null;
  helloWaiter: { readonly resolve: () => void; readonly reject: (error: Error) => void } | null;
}

/** Each frame to the part of the client it concerns, then to the subscribers. */
function dispatchFrame(frame: HostFrame, state: HostState, commands: CommandLine, instances: InstanceTracker, listeners: HostListeners): void {
  switch (frame.t) {
    case 'hello':
      state.hello = frame;
      state.helloWaiter?.resolve();
      return;
    case 'out':
      listeners.output.emit(frame.instance, frame.stream, frame.data);
      return;
    case 'event':
      if (frame.event.type === 'listening') instances.listening(frame.instance, frame.event.port);
      listeners.event.emit(frame.instance, frame.event);
      return;
    case 'exit':
      instances.exited(frame);
      listeners.exit.emit(frame.instance, frame.code, frame.signal, frame.requested ?? false);
      return;
    case 'notice':
      listeners.notice.emit(frame.instance, frame.key, frame.data);
      return;
    case 'features': {
      const { t: _frame, ...found } = frame;
      state.features = found;
      listeners.features.emit(found);
      return;
    }
    case 'reply':
      commands.reply(frame);
      return;
  }
}

/** The client over an already spawned host process (exported for tests and for callers that spawn it themselves). */
export function connectHost(
  process: RuntimeProcess,
  options: Omit<HostClientOptions, 'helloTimeoutMs' | 'signal'> = {},
): { api: HostClient; ready(timeoutMs: number, signal?: AbortSignal): Promise<void> } {
  const timeouts = { ...DEFAULT_COMMAND_TIMEOUTS, ...options.timeouts };
  // A listener's bug must not stop the frame reader; it is reported where errors go.
  const listeners = hostListeners(options.onListenerError ?? reportPageError);
  const state: HostState = { closed: false, hello: null, features: null, helloWaiter: null };
  const commands = new CommandLine((text) => process.write(text), () => state.closed);
  const instances = new InstanceTracker();
  const inOrder = createLifecycleOrder();

  const pump = pumpFrames(process.output, (frame) => dispatchFrame(frame, state, commands, instances, listeners), options.onNoise);
  const exited = process.exit.then(
    (code) => ({ code, cause: undefined as unknown }),
    (cause: unknown) => ({ code: null, cause }),
  );
  void exited.then(async ({ code, cause }) => {
    // Let the frames written just before the end arrive first.
    await deadline(pump, { ms: options.drainMs ?? 1_000 }).catch(() => {});
    state.closed = true;
    const error = () => new RuntimeError('runtime.error.hostExited', { detail: { code }, cause });
    commands.rejectAll(error);
    instances.end(error, true);
    state.helloWaiter?.reject(error());
    listeners.hostExit.emit(code, cause);
  });

  const command = <O extends Op>(op: O, params: CommandMap[O]['params'], budget = timeouts[op]): Promise<CommandMap[O]['result']> =>
    inOrder(op, () =>
      op === 'start' || op === 'restart'
        ? (instances.starting((params as StartParams).instance ?? DEFAULT_INSTANCE, () => commands.send(op, params, budget) as Promise<StartResult>) as Promise<
            CommandMap[O]['result']
          >)
        : commands.send(op, params, budget),
    );

  const close = async () => {
    if (!state.closed) {
      state.closed = true;
      const error = () => new RuntimeError('runtime.error.disposed');
      commands.rejectAll(error);
      instances.end(error, false);
    }
    process.kill();
    await deadline(exited, { ms: 3_000 }).catch(() => {});
  };
  return { api: clientApi({ state, instances, listeners, timeouts, command, close }), ready: (ms, signal) => waitHello(state, ms, signal) };
}

/** Resolves once the host said hello. */
function waitHello(state: HostState, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  if (state.hello) return Promise.resolve();
  if (state.closed) return Promise.reject(new RuntimeError('runtime.error.hostExited'));
  const promise = new Promise<void>((resolve, reject) => {
    state.helloWaiter = { resolve, reject };
  });
  return deadline(promise, {
    ms: timeoutMs,
    timeout: timeoutError('runtime.error.hostStartTimeout', timeoutMs, 'server'),
    signal,
  }).finally(() => {
    state.helloWaiter = null;
  });
}

interface ApiParts {
  readonly state: HostState;
  readonly instances: InstanceTracker;
  readonly listeners: HostListeners;
  readonly timeouts: Readonly<Record<Op, number>>;
  readonly command: <O extends Op>(op: O, params: CommandMap[O]['params'], budget?: number) => Promise<CommandMap[O]['result']>;
  readonly close: () => Promise<void>;
}

/** The HostClient over its parts: each method one command, one wait or one subscription. */
function clientApi({ state, instances, listeners, timeouts, command, close }: ApiParts): HostClient {
  const whenListening = (instance?: Instance, wait?: WaitOptions) => instances.whenListening(instance, wait, state.closed);
  const api: HostClient = {
    get hello() {
      return { version: state.hello?.version ?? '', pid: state.hello?.pid ?? 0 };
    },
    get closed() {
      return state.closed;
    },
    start: (params = {}) => command('start', params),
    stop: (instance) => command('stop', instance === undefined ? {} : { instance }),
    restart: (instance) => command('restart', instance === undefined ? {} : { instance }),
    request: (params) => command('request', params, timeouts.request + (params.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT)),
    jar: (browser) => command('jar', { browser }),
    setCookie: (browser, name, value) => command('setCookie', { browser, name, value }),
    clearJar: async (browser) => {
      await command('clearJar', browser === undefined ? {} : { browser });
    },
    check: (checks, instance) => command('check', instance === undefined ? { checks } : { checks, instance }),
    verify: (value, instance) => command('verify', instance === undefined ? { value } : { value, instance }),
    whenListening,
    listeningPort: (instance) => instances.listeningPort(instance),
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
      return state.features;
    },
    onFeatures: (listener) => listeners.features.add(listener),
    close,
  };
  return api;
}
