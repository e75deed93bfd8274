// The lesson session: one per workbench (the page keeps it across lesson navigation). It chooses
// the runtime (choose.ts: feature detection, every probe bounded), boots it once, talks to the host
// (host-client.ts) and turns everything that happens into one observable SessionState that the
// panels render. A lesson switch mounts new files and restarts the server: it never re-boots.
//
// Ordering rules:
// - Lifecycle operations (the boot's first start, open, restart, stop) run one at a time, in
//   order, in a small queue. A new one cuts short the wait of the one running (its "listening"
//   wait), never a command half-sent: the host client orders the commands themselves.
// - Writes go straight to the runtime, after a mount in flight; a lifecycle operation waits for
//   the writes sent before it (a Restart after an edit runs the edited code).
// - retry() and dispose() abort the boot chain (AbortController) and drop the runtime.
// - Nothing here rejects for a runtime failure: it becomes state (phase + message key). Only misuse
//   (open/retry after dispose, previewUrl without a server) rejects; write/restart/stop after
//   dispose do nothing.
import { chooseRuntime, type Failure, type ReasonKey, type RuntimePreference } from '../../runtime/choose.ts';
import { DEFAULT_INSTANCE, HostCommandError, startHost as defaultStartHost, type HostClient, type HostClientOptions } from '../../runtime/host-client.ts';
import { createLocalRuntime, fetchRunnerToken, type EventSourceFactory, type LocalRuntimeOptions } from '../../runtime/local.ts';
import type { Instance, OutputStream, ProbeEvent, ServerErrorEvent } from '../../runtime/protocol.ts';
import {
  BOOT_STEPS,
  RuntimeError,
  isRuntimeError,
  type BootListener,
  type BootStep,
  type Runtime,
  type RuntimeErrorKey,
  type RuntimeKind,
  type Unsubscribe,
} from '../../runtime/types.ts';
import { createWebContainerFactory, type WebContainerBootOptions, type WebContainerClass, type WebContainerFactory } from '../../runtime/webcontainer.ts';
import type { LessonPayload } from '../lesson-data.ts';

export type { RuntimePreference } from '../../runtime/choose.ts';

/** A lesson's files: workspace path → text. */
export type Files = Record<string, string>;

export type SessionPhase = 'idle' | 'booting' | 'starting' | 'running' | 'stopped' | 'crashed' | 'failed' | 'readonly';
export type StepStatus = 'pending' | 'active' | 'done' | 'failed';

export interface StepState {
  readonly step: BootStep;
  /** 0…1 */
  readonly progress: number;
  readonly status: StepStatus;
}

/** The probe's `error` event (lab/README.md, "Probe events"): where the learner's code failed. */
export type ProbeErrorEvent = ServerErrorEvent & {
  readonly port?: number;
  readonly fromOutput?: boolean;
};

/** A failure to show: `key` is a message key (`runtime.error.*`), `detail` its interpolation values. */
export interface SessionError {
  readonly key: string;
  readonly detail?: Readonly<Record<string, string | number | boolean | null>>;
}

export interface SessionState {
  readonly phase: SessionPhase;
  /** The runtime in use, or being booted. */
  readonly runtime: RuntimeKind | null;
  readonly steps: readonly StepState[];
  readonly error?: SessionError;
  /** The port the lesson server listens on (phase running). */
  readonly port?: number;
  /** The last syntax error / crash / port in use of the lesson server, with file and line. */
  readonly lastError?: ProbeErrorEvent;
  /** The preference in effect (settings, or the last retry's). */
  readonly preference: RuntimePreference;
  /** Why no runtime runs (phase readonly, or failed after every runtime was tried): message keys. */
  readonly reasons?: readonly ReasonKey[];
}

/** What happened to the lesson server, for the terminal and the preview. */
export type ServerEvent =
  | { readonly type: 'starting'; readonly reason: StartReason }
  | { readonly type: 'listening'; readonly port: number; readonly reason: StartReason }
  | { readonly type: 'exit'; readonly code: number | null; readonly signal: string | null; readonly requested: boolean }
  | { readonly type: 'stopped' }
  | { readonly type: 'notice'; readonly key: string; readonly data: unknown }
  | { readonly type: 'error'; readonly error: ProbeErrorEvent };
/** Why a server (re)starts: the first start after a boot, a lesson switch, or a restart. */
export type StartReason = 'boot' | 'open' | 'restart';

export interface LessonSession {
  state(): SessionState;
  onState(listener: (state: SessionState) => void): Unsubscribe;
  host(): HostClient | null;
  runtime(): Runtime | null;
  /** First call: choose the runtime, boot it, mount the files, start the server and wait for it to
   * listen. Later calls (a lesson switch): mount the new files and restart — never a re-boot.
   * Resolves once the state says how it went (running, crashed, failed, readonly). */
  open(payload: LessonPayload, files: Files): Promise<void>;
  /** Writes one file to the runtime (and to the session's copy, so a later mount keeps it). Never
   * rejects: a runtime that cannot take the write puts the session in `failed` (retry re-mounts). */
  write(path: string, text: string): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** The URL of the running server's preview; rejects (`serverStopped`) when none runs. */
  previewUrl(): Promise<string>;
  /** After a failure, or to switch runtime: with a live runtime that fits the preference, the
   * server is restarted (a dead host is replaced); otherwise the runtime is dropped and booted again. */
  retry(preference?: RuntimePreference): Promise<void>;
  /** How many times a runtime was booted. */
  bootCount(): number;
  /** Lesson server output (for the terminal), whatever host is current. */
  onOutput(listener: (data: string, stream: OutputStream, instance: Instance) => void): Unsubscribe;
  /** The main lesson server's lifecycle, notices and errors. */
  onServer(listener: (event: ServerEvent) => void): Unsubscribe;
  /** Every probe event of every instance (inspector, preview cookie hint). */
  onProbe(listener: (event: ProbeEvent, instance: Instance) => void): Unsubscribe;
  dispose(): Promise<void>;
}

export interface SessionTimeouts {
  /** Asking the local runner for its token (auto: is this page served by `npm start`?). */
  readonly probeMs: number;
  /** One attempt at the local runtime (choose.ts's bound). */
  readonly localMs: number;
  /** One attempt at a WebContainer (choose.ts's outer bound). */
  readonly webcontainerMs: number;
  /** The host's hello. */
  readonly helloMs: number;
  /** From the start command to the probe's `listening`. */
  readonly listenMs: number;
}

export const DEFAULT_SESSION_TIMEOUTS: SessionTimeouts = {
  probeMs: 2_000,
  localMs: 10_000,
  webcontainerMs: 45_000,
  helloMs: 15_000,
  listenMs: 15_000,
};

export interface LessonSessionDeps {
  readonly preference: () => RuntimePreference;
  /** lab/inside's scripts, file name → text (see lab-files.ts). */
  readonly labFiles: () => Promise<Record<string, string>>;
  /** Where the dependency snapshot is served. */
  readonly snapshotUrl: string;
  /** The WebContainer class, loaded when first needed (default: `import('@webcontainer/api')`). */
  readonly WebContainer?: () => Promise<WebContainerClass>;
  readonly fetch?: typeof fetch;
  readonly EventSource?: EventSourceFactory;
  /** Default: `globalThis.crossOriginIsolated === true`. */
  readonly isolated?: () => boolean;
  readonly timeouts?: Partial<SessionTimeouts>;
  // Seams (tests, other hosts); the defaults are the runtime layer's own functions.
  /** Resolves the local runner's token, or rejects (a RuntimeError) when none answers. */
  readonly probeRunner?: (signal: AbortSignal) => Promise<string>;
  readonly createLocal?: (options: LocalRuntimeOptions) => Promise<Runtime>;
  readonly createWebContainer?: (options: WebContainerBootOptions) => Promise<Runtime>;
  readonly startHost?: (runtime: Runtime, options: HostClientOptions) => Promise<HostClient>;
}

/** Keys that say a runtime could not even be tried here (not a failure to retry). */
const PRECONDITIONS: ReadonlySet<string> = new Set(['runtime.error.notIsolated', 'runtime.error.runnerUnreachable']);
/** Failures of the learner's server (fix the code, restart): phase crashed, not failed. */
const SERVER_FAULTS: ReadonlySet<string> = new Set([
  'runtime.error.serverCrashed',
  'runtime.error.serverStopped',
  'runtime.error.serverTimeout',
  'runtime.error.fileMissing',
]);

interface ExitInfo {
  readonly code: number | null;
  readonly signal: string | null;
}

const initialSteps = (): StepState[] => BOOT_STEPS.map((step) => ({ step, progress: 0, status: 'pending' }));
const clamp = (value: number) => (Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0);

/** The message key and values for any failure. */
export function sessionError(error: unknown, context: { entry?: string } = {}): SessionError {
  if (isRuntimeError(error)) return { key: error.key, detail: error.detail };
  if (error instanceof HostCommandError) {
    const map: Record<string, RuntimeErrorKey> = {
      badEntry: 'runtime.error.fileMissing',
      notRunning: 'runtime.error.serverStopped',
      notListening: 'runtime.error.serverTimeout',
      exited: 'runtime.error.serverCrashed',
      timeout: 'runtime.error.commandTimeout',
    };
    const key = map[error.key] ?? 'runtime.error.internal';
    return { key, detail: { op: error.op, hostKey: error.key, ...(context.entry === undefined ? {} : { path: context.entry }) } };
  }
  return { key: 'runtime.error.unknown' };
}

function reportError(error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (typeof report === 'function') report(error);
  else console.error(error);
}

export function createLessonSession(deps: LessonSessionDeps): LessonSession {
  const timeouts: SessionTimeouts = { ...DEFAULT_SESSION_TIMEOUTS, ...deps.timeouts };
  const isolated = deps.isolated ?? (() => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true);
  const startHost = deps.startHost ?? ((runtime: Runtime, options: HostClientOptions) => defaultStartHost(runtime, options));
  const loadWebContainer =
    deps.WebContainer ?? (async (): Promise<WebContainerClass> => (await import('@webcontainer/api')).WebContainer);

  const listeners = {
    state: new Set<(state: SessionState) => void>(),
    output: new Set<(data: string, stream: OutputStream, instance: Instance) => void>(),
    server: new Set<(event: ServerEvent) => void>(),
    probe: new Set<(event: ProbeEvent, instance: Instance) => void>(),
  };
  const emit = <A extends unknown[]>(set: Set<(...args: A) => void>, ...args: A) => {
    for (const listener of [...set]) {
      try {
        listener(...args);
      } catch (error) {
        reportError(error);
      }
    }
  };
  const subscribe = <L>(set: Set<L>, listener: L): Unsubscribe => {
    set.add(listener);
    return () => set.delete(listener);
  };

  let override: RuntimePreference | null = null;
  const preference = (): RuntimePreference => override ?? deps.preference();

  let state: SessionState = { phase: 'idle', runtime: null, steps: initialSteps(), preference: preference() };
  type Patch = { [K in keyof SessionState]?: SessionState[K] | undefined };
  const setState = (patch: Patch) => {
    const next: Record<string, unknown> = { ...state, ...patch };
    for (const key of Object.keys(next)) if (next[key] === undefined) delete next[key];
    state = next as unknown as SessionState;
    emit(listeners.state, state);
  };
  const cleared = { error: undefined, lastError: undefined, port: undefined, reasons: undefined } as const;

  let runtime: Runtime | null = null;
  let host: HostClient | null = null;
  let hostSubscriptions: Unsubscribe[] = [];
  let factory: WebContainerFactory | null = null;
  let current: { payload: LessonPayload; files: Files } | null = null;
  let boots = 0;
  let disposed = false;
  /** Bumped when the runtime is dropped (retry, dispose): operations of an older epoch do nothing. */
  let epoch = 0;
  /** The boot chain in flight (choose, boot, host), if any. */
  let chain: { controller: AbortController; done: Promise<void> } | null = null;
  /** The lifecycle operation running now: a new one aborts its waits. */
  let running: AbortController | null = null;
  let queue: Promise<void> = Promise.resolve();
  let mounting: Promise<void> = Promise.resolve();
  /** How the main server last ended (for a crash noticed after its `listening`). */
  let lastExit: ExitInfo | null = null;
  const writes = new Set<Promise<void>>();

  const alive = () => {
    if (disposed) throw new RuntimeError('runtime.error.disposed');
  };
  const hostAlive = () => runtime !== null && host !== null && !host.closed;

  // ─── boot steps ─────────────────────────────────────────────────────────────────────────────

  const reportStep = (step: BootStep, progress: number) => {
    const index = BOOT_STEPS.indexOf(step);
    const steps = state.steps.map((entry, i): StepState => {
      if (i < index && entry.status !== 'done') return { step: entry.step, progress: 1, status: 'done' };
      if (i !== index) return entry;
      const value = Math.max(entry.status === 'pending' || entry.status === 'failed' ? 0 : entry.progress, clamp(progress));
      return { step, progress: value, status: value >= 1 ? 'done' : 'active' };
    });
    setState({ steps });
  };
  const failStep = (step: BootStep | null | undefined) => {
    const target = step ?? state.steps.find((entry) => entry.status === 'active')?.step ?? state.steps.find((entry) => entry.status !== 'done')?.step;
    if (!target) return;
    setState({ steps: state.steps.map((entry) => (entry.step === target ? { ...entry, status: 'failed' } : entry)) });
  };

  // ─── the host ──────────────────────────────────────────────────────────────────────────────

  const dropHost = () => {
    hostSubscriptions.forEach((off) => off());
    hostSubscriptions = [];
    const old = host;
    host = null;
    return old;
  };

  const attachHost = (client: HostClient) => {
    host = client;
    hostSubscriptions = [
      client.onOutput((instance, stream, data) => emit(listeners.output, data, stream, instance)),
      client.onEvent((instance, event) => {
        emit(listeners.probe, event, instance);
        if (instance !== DEFAULT_INSTANCE) return;
        if (event.type === 'error') {
          const error = event as ProbeErrorEvent;
          setState({ lastError: error });
          emit(listeners.server, { type: 'error', error });
        } else if (event.type === 'listening' && state.phase === 'crashed' && state.error?.key === 'runtime.error.serverTimeout') {
          // A slow server that listened after all.
          setState({ phase: 'running', port: event.port, error: undefined });
          emit(listeners.server, { type: 'listening', port: event.port, reason: 'restart' });
        }
      }),
      client.onExit((instance, code, signal, requested) => {
        if (instance !== DEFAULT_INSTANCE) return;
        lastExit = { code, signal };
        emit(listeners.server, { type: 'exit', code, signal, requested });
        // While starting, the start's own wait reports the crash; here: a running server died.
        if (!requested && state.phase === 'running') {
          setState({ phase: 'crashed', port: undefined, error: { key: 'runtime.error.serverCrashed', detail: { code, signal } } });
        }
      }),
      client.onNotice((instance, key, data) => {
        if (instance === DEFAULT_INSTANCE) emit(listeners.server, { type: 'notice', key, data });
      }),
      client.onHostExit((code) => {
        if (host !== client) return; // we closed it ourselves
        dropHost();
        running?.abort();
        setState({ phase: 'failed', port: undefined, error: { key: 'runtime.error.hostExited', detail: { code } } });
      }),
    ];
  };

  /** Starts the host in the current runtime; false (and state failed) when it does not come up. */
  const connectHost = async (signal: AbortSignal, reportSteps: boolean): Promise<boolean> => {
    const rt = runtime;
    if (!rt) return false;
    if (reportSteps) reportStep('server', 0);
    try {
      const client = await startHost(rt, { signal, helloTimeoutMs: timeouts.helloMs });
      if (signal.aborted || rt !== runtime) {
        await client.close().catch(() => {});
        return false;
      }
      attachHost(client);
      if (reportSteps) reportStep('server', 0.25);
      return true;
    } catch (error) {
      if (signal.aborted) return false;
      const failure = sessionError(error);
      if (reportSteps) failStep('server');
      setState({ phase: 'failed', error: failure });
      return false;
    }
  };

  // ─── choosing and booting a runtime ────────────────────────────────────────────────────────

  const webContainerFactory = async (): Promise<WebContainerFactory> => {
    if (factory) return factory;
    let WebContainer: WebContainerClass;
    try {
      WebContainer = await loadWebContainer();
    } catch (cause) {
      throw new RuntimeError('runtime.error.bootFailed', { step: 'boot', cause });
    }
    factory ??= createWebContainerFactory({
      WebContainer,
      isolated,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
    return factory;
  };

  const bootWebContainer = async (options: WebContainerBootOptions): Promise<Runtime> => {
    if (deps.createWebContainer) return deps.createWebContainer(options);
    return (await webContainerFactory()).boot(options);
  };

  /** Chooses and boots a runtime, then its host. True when both are up. */
  const bootRuntime = async (signal: AbortSignal): Promise<boolean> => {
    const wanted = preference();
    setState({ phase: 'booting', runtime: null, steps: initialSteps(), preference: wanted, ...cleared });
    let token: string | undefined;
    let attempt = 0;
    /** A fresh step list per attempt (local, then maybe WebContainer); late steps of an abandoned attempt are ignored. */
    const stepsOf = (kind: RuntimeKind, attemptSignal: AbortSignal): BootListener => {
      const mine = ++attempt;
      setState({ runtime: kind, steps: initialSteps() });
      return ({ step, progress }) => {
        if (signal.aborted || attemptSignal.aborted || mine !== attempt) return;
        // The runtime's own `files` step covers the lab's scripts: the first half of ours.
        reportStep(step, step === 'files' ? Math.min(progress, 1) * 0.5 : progress);
      };
    };

    let choice;
    try {
      choice = await chooseRuntime({
        preference: wanted,
        signal,
        probeTimeoutMs: timeouts.probeMs + 1_000,
        localTimeoutMs: timeouts.localMs,
        webcontainerTimeoutMs: timeouts.webcontainerMs,
        isolated,
        probeRunner: async (probeSignal) => {
          token = deps.probeRunner
            ? await deps.probeRunner(probeSignal)
            : await fetchRunnerToken({ signal: probeSignal, timeoutMs: timeouts.probeMs, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
        },
        createLocal: (localSignal) => {
          const options: LocalRuntimeOptions = {
            signal: localSignal,
            onStep: stepsOf('local', localSignal),
            ...(token === undefined ? {} : { token }),
            ...(deps.fetch ? { fetch: deps.fetch } : {}),
            ...(deps.EventSource ? { EventSource: deps.EventSource } : {}),
          };
          return (deps.createLocal ?? createLocalRuntime)(options);
        },
        createWebContainer: async (wcSignal) => {
          const onStep = stepsOf('webcontainer', wcSignal);
          let labFiles: Record<string, string>;
          try {
            labFiles = await deps.labFiles();
          } catch (cause) {
            throw new RuntimeError('runtime.error.mountFailed', { step: 'files', cause });
          }
          return bootWebContainer({
            snapshotUrl: deps.snapshotUrl,
            labFiles,
            onStep,
            signal: wcSignal,
            onError: (error) => {
              if (runtime?.kind !== 'webcontainer') return;
              running?.abort();
              setState({ phase: 'failed', port: undefined, error: sessionError(error) });
            },
          });
        },
      });
    } catch (error) {
      if (signal.aborted) return false;
      failStep('boot');
      setState({ phase: 'failed', error: sessionError(error) });
      return false;
    }

    if (signal.aborted) {
      if (choice.mode === 'live') await choice.runtime.dispose().catch(() => {});
      return false;
    }
    if (choice.mode === 'readonly') {
      const failure = blockingFailure(wanted, choice.failures);
      if (failure) {
        failStep(isRuntimeError(failure.error) ? failure.error.step : null);
        setState({ phase: 'failed', runtime: failure.kind, error: sessionError(failure.error), reasons: choice.reasons });
      } else {
        setState({ phase: 'readonly', runtime: null, steps: initialSteps(), reasons: choice.reasons });
      }
      return false;
    }

    boots += 1;
    runtime = choice.runtime;
    setState({ runtime: runtime.kind });
    return connectHost(signal, true);
  };

  /** The failure to report as "failed" (the learner can act on it), or null when the environment
   * only lacks what a runtime needs (read-only mode, with the reasons). */
  const blockingFailure = (wanted: RuntimePreference, failures: readonly Failure[]): Failure | null => {
    if (wanted === 'local' || wanted === 'webcontainer') return failures.find((f) => f.kind === wanted) ?? failures[0] ?? null;
    return failures.find((f) => !PRECONDITIONS.has(f.key)) ?? null;
  };

  // ─── lifecycle operations ──────────────────────────────────────────────────────────────────

  /** Runs `operation` after the ones before it; cuts short the running one's waits. */
  const enqueue = (operation: (signal: AbortSignal, epochAt: number) => Promise<void>): Promise<void> => {
    running?.abort();
    const controller = new AbortController();
    const epochAt = epoch;
    const run = queue.then(async () => {
      if (controller.signal.aborted || epochAt !== epoch || disposed) return;
      running = controller;
      try {
        await operation(controller.signal, epochAt);
      } finally {
        if (running === controller) running = null;
      }
    });
    queue = run.catch(reportError);
    return queue;
  };

  const settleWrites = async () => {
    while (writes.size > 0) await Promise.allSettled([...writes]);
  };

  /** Mounts the lesson's files (when `mount`) and starts its server, waiting for `listening`. */
  const applyLesson = async (signal: AbortSignal, reason: StartReason, mount: boolean): Promise<void> => {
    const rt = runtime;
    const client = host;
    const lesson = current;
    if (!rt || !client || client.closed || !lesson) return;
    // Until the boot's steps are all done (the first start, or a retry of it), report them.
    const steps = state.steps.some((entry) => entry.status !== 'done');
    const superseded = () => signal.aborted || rt !== runtime || client !== host;
    setState({ phase: steps ? 'booting' : 'starting', ...cleared });

    if (mount) {
      // The old server goes first: its files are about to vanish.
      if (reason !== 'boot') await client.stop().catch(() => {});
      if (superseded()) return;
      if (steps) reportStep('files', 0.5);
      await settleWrites();
      const files = { ...lesson.files };
      const mounted = rt.mount(files);
      mounting = mounted.catch(() => {});
      try {
        await mounted;
      } catch (error) {
        if (superseded()) return;
        if (steps) failStep('files');
        setState({ phase: 'failed', error: sessionError(error) });
        return;
      }
      if (superseded()) return;
      if (steps) reportStep('files', 1);
    }

    await settleWrites();
    if (superseded()) return;
    if (steps) reportStep('server', 0.4);
    else setState({ phase: 'starting' });
    emit(listeners.server, { type: 'starting', reason });
    const { entry, env } = lesson.payload;
    try {
      // `start` stops a running server first, and always uses this lesson's entry and env.
      const result = await client.start({ entry, env });
      if (superseded()) return;
      if (steps) reportStep('server', 0.7);
      lastExit = null;
      const port = await client.whenListening(result.instance, { timeoutMs: timeouts.listenMs, signal });
      if (superseded()) return;
      if (client.listeningPort(result.instance) === undefined) {
        // It listened, then ended before we got here (both in one read of the output).
        // (`lastExit` is set by the exit listener meanwhile: read it past the narrowing above.)
        const ended = lastExit as ExitInfo | null;
        throw new RuntimeError('runtime.error.serverCrashed', { step: 'server', detail: { code: ended?.code ?? null, signal: ended?.signal ?? null } });
      }
      if (steps) {
        reportStep('server', 1);
        reportStep('ready', 1);
      }
      setState({ phase: 'running', port, error: undefined });
      emit(listeners.server, { type: 'listening', port, reason });
    } catch (error) {
      if (superseded()) return;
      const failure = sessionError(error, { entry });
      if (steps) failStep('server');
      if (SERVER_FAULTS.has(failure.key)) setState({ phase: 'crashed', port: undefined, error: failure });
      else setState({ phase: 'failed', port: undefined, error: failure });
    }
  };

  // ─── the chain: boot, then the first start ─────────────────────────────────────────────────

  const startChain = (): Promise<void> => {
    const controller = new AbortController();
    const done = (async () => {
      const up = await bootRuntime(controller.signal);
      if (!up || controller.signal.aborted) return;
      await enqueue((signal) => applyLesson(signal, 'boot', true));
    })().finally(() => {
      if (chain?.controller === controller) chain = null;
    });
    chain = { controller, done };
    return done;
  };

  /** Drops the runtime (and host), aborting whatever boots or waits. */
  const teardown = async () => {
    epoch += 1;
    chain?.controller.abort();
    chain = null;
    running?.abort();
    const oldHost = dropHost();
    const oldRuntime = runtime;
    runtime = null;
    await oldHost?.close().catch(() => {});
    await oldRuntime?.dispose().catch(() => {});
  };

  const session: LessonSession = {
    state: () => state,
    onState: (listener) => subscribe(listeners.state, listener),
    host: () => host,
    runtime: () => runtime,
    bootCount: () => boots,
    onOutput: (listener) => subscribe(listeners.output, listener),
    onServer: (listener) => subscribe(listeners.server, listener),
    onProbe: (listener) => subscribe(listeners.probe, listener),

    async open(payload, files) {
      alive();
      current = { payload, files: { ...files } };
      if (hostAlive()) return enqueue((signal) => applyLesson(signal, 'open', true));
      // Booting: the chain mounts the latest lesson when it gets there.
      if (chain) return chain.done;
      if (state.phase === 'idle') return startChain();
      // readonly, or failed: the new lesson waits for retry().
    },

    async write(path, text) {
      if (disposed) return;
      if (current) current.files[path] = text;
      const rt = runtime;
      if (!rt) return;
      const writing = (async () => {
        await mounting;
        if (rt !== runtime) return;
        try {
          await rt.writeFile(path, text);
        } catch (error) {
          if (rt !== runtime || disposed) return;
          // The edit is kept (the session's copy): Try again mounts every file anew.
          running?.abort();
          setState({ phase: 'failed', port: undefined, error: sessionError(error) });
        }
      })();
      writes.add(writing);
      void writing.then(
        () => writes.delete(writing),
        () => writes.delete(writing),
      );
      return writing;
    },

    async restart() {
      if (disposed) return;
      if (!hostAlive() || !current) return;
      return enqueue((signal) => applyLesson(signal, 'restart', false));
    },

    async stop() {
      if (disposed) return;
      if (!hostAlive()) return;
      return enqueue(async (signal) => {
        const client = host;
        if (!client || client.closed) return;
        try {
          await client.stop();
        } catch (error) {
          if (signal.aborted || client !== host) return;
          setState({ phase: 'failed', port: undefined, error: sessionError(error) });
          return;
        }
        if (client !== host) return;
        setState({ phase: 'stopped', port: undefined, error: undefined });
        emit(listeners.server, { type: 'stopped' });
      });
    },

    async previewUrl() {
      alive();
      const rt = runtime;
      const port = state.port;
      if (!rt || state.phase !== 'running' || port === undefined) throw new RuntimeError('runtime.error.serverStopped');
      return rt.previewUrl(port);
    },

    async retry(wanted) {
      alive();
      if (wanted !== undefined) {
        override = wanted;
        setState({ preference: wanted });
      }
      const pref = preference();
      const fits = runtime !== null && pref !== 'readonly' && (pref === 'auto' || pref === runtime.kind);
      if (fits && chain) return chain.done;
      if (fits && current) {
        if (!hostAlive()) {
          // The host died (the runtime may be fine): a new host, no new boot.
          const controller = new AbortController();
          const epochAt = epoch;
          setState({ phase: 'starting', ...cleared });
          const up = await connectHost(controller.signal, false);
          if (epochAt !== epoch) return;
          if (!up) {
            // The runtime itself is gone: boot again.
            await teardown();
            return startChain();
          }
        }
        // After a failure the files may not be there (a failed mount): mount them again.
        const remount = state.phase === 'failed';
        const epochAt = epoch;
        await enqueue((signal) => applyLesson(signal, remount ? 'open' : 'restart', remount));
        // Still failing with this runtime (not the learner's server): a fresh boot.
        if (remount && state.phase === 'failed' && epochAt === epoch && !disposed) {
          await teardown();
          return startChain();
        }
        return;
      }
      await teardown();
      if (!current) {
        setState({ phase: 'idle', runtime: null, steps: initialSteps(), ...cleared });
        return;
      }
      return startChain();
    },

    async dispose() {
      if (disposed) return;
      disposed = true;
      await teardown();
      setState({ phase: 'idle', runtime: null, steps: initialSteps(), ...cleared });
      listeners.state.clear();
      listeners.output.clear();
      listeners.server.clear();
      listeners.probe.clear();
    },
  };
  return session;
}
