// The lesson session: one per workbench (the page keeps it across lesson navigation). It chooses
// the runtime (choose.ts: feature detection, every probe bounded), boots it once, talks to the host
// (host-client.ts) and turns everything that happens into one observable SessionState that the
// panels render. A lesson switch mounts new files and restarts the server: it never re-boots.
//
// Ordering rules:
// - Lifecycle operations (the boot's first start, open, restart, stop) run one at a time, in
//   order, in a small queue. A new one cuts short the wait of the one running (its "listening"
//   wait), never a command half-sent: the host client orders the commands themselves.
// - Writes go to the runtime one after another, in the order they were made, after a mount in
//   flight; a lifecycle operation waits for the writes sent before it (a Restart after an edit
//   runs the edited code). This is the one place that orders the learner's writes.
// - The session keeps no text of its own when open() is given a reader (the workbench's edit
//   store): each mount reads the files then.
// - retry() and dispose() abort the boot chain (AbortController) and drop the runtime.
// - The local runner may suspend this tab's workspace to make room for another tab: whatever
//   reports it (the host's end, a call refused) puts the session in `suspended` and drops the
//   runtime; resume() boots anew (the files are here) and says so in its steps. open() and
//   restart() resume too: they are the learner acting in this tab.
// - Nothing here rejects for a runtime failure: it becomes state (phase + message key). Only misuse
//   (open/retry after dispose, previewUrl without a server) rejects; write/restart/stop after
//   dispose do nothing.
import { DEFAULT_INSTANCE, startHost as defaultStartHost, type HostClient, type HostClientOptions } from '../../runtime/host-client.ts';
import { createListeners, reportPageError } from '../../runtime/listeners.ts';
import type { Instance, OutputStream } from '../../../lab/protocol/host.ts';
import type { ProbeEvent } from '../../../lab/protocol/probe.ts';
import { RuntimeError, type BootStep, type Runtime, type Unsubscribe } from '../../runtime/types.ts';
import type { LessonPayload } from '../lesson-data.ts';
import { advanceStep, failStep as failedSteps, initialSteps, stepsPending } from './boot-steps.ts';
import { bootRuntime, webContainerBooter } from './boot-runtime.ts';
import { isServerFault, sessionError } from './session-error.ts';
import {
  DEFAULT_SESSION_TIMEOUTS,
  type Files,
  type LessonFiles,
  type SessionError,
  type LessonSession,
  type LessonSessionDeps,
  type ProbeErrorEvent,
  type RuntimePreference,
  type ServerEvent,
  type SessionState,
  type SessionTimeouts,
  type StartReason,
} from './session-types.ts';

// The types, for callers that import the session alone.
export type * from './session-types.ts';

const SUSPENDED = 'runtime.error.suspended';

/** The lesson open now: its payload, where its files are read at a mount, and the session's own
 * copy when open() was given one (write() keeps it up to date). */
interface OpenLesson {
  readonly payload: LessonPayload;
  readonly read: () => Files;
  readonly own: Files | null;
}

/** The lesson open() was given: a reader is read at each mount; plain files become the session's own copy. */
function lessonOf(payload: LessonPayload, files: LessonFiles): OpenLesson {
  if (typeof files === 'function') return { payload, read: files, own: null };
  const own = { ...files };
  return { payload, read: () => ({ ...own }), own };
}

interface ExitInfo {
  readonly code: number | null;
  readonly signal: string | null;
}

// Longer than a screen: one closure, because every operation shares the runtime, the host, the
// queue and the epoch (as createRunner does in lab/runner); its jobs are the sections below.
export function createLessonSession(deps: LessonSessionDeps): LessonSession {
  const timeouts: SessionTimeouts = { ...DEFAULT_SESSION_TIMEOUTS, ...deps.timeouts };
  const isolated = deps.isolated ?? (() => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true);
  const startHost = deps.startHost ?? ((runtime: Runtime, options: HostClientOptions) => defaultStartHost(runtime, options));
  const bootWebContainer = webContainerBooter(deps, isolated);

  const listeners = {
    state: createListeners<[state: SessionState]>(),
    output: createListeners<[data: string, stream: OutputStream, instance: Instance]>(),
    server: createListeners<[event: ServerEvent]>(),
    probe: createListeners<[event: ProbeEvent, instance: Instance]>(),
  };

  let override: RuntimePreference | null = null;
  const preference = (): RuntimePreference => override ?? deps.preference();

  let state: SessionState = { phase: 'idle', runtime: null, steps: initialSteps(), preference: preference() };
  /** The next boot resumes a suspended tab (its state says so until that boot ends). */
  let resuming = false;
  type Patch = { [K in keyof SessionState]?: SessionState[K] | undefined };
  const setState = (patch: Patch) => {
    const next: Record<string, unknown> = { ...state, ...patch };
    // `busy` describes phase busy only: any other phase ends it.
    if (next.phase !== 'busy') delete next.busy;
    for (const key of Object.keys(next)) if (next[key] === undefined) delete next[key];
    state = next as unknown as SessionState;
    listeners.state.emit(state);
  };
  const cleared = { error: undefined, lastError: undefined, port: undefined, reasons: undefined } as const;
  /** No runtime (yet, or any more): nothing of an earlier boot shows. */
  const unbooted = () => ({ runtime: null, steps: initialSteps(), fallback: undefined, hostFeatures: undefined });

  let runtime: Runtime | null = null;
  let host: HostClient | null = null;
  let hostSubscriptions: Unsubscribe[] = [];
  let current: OpenLesson | null = null;
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
  /** A start waits for the main server's `listening` (so a busy start that unblocks is starting again). */
  let awaitingListen = false;
  /** The last write sent (each one waits for the one before it). */
  let lastWrite: Promise<void> = Promise.resolve();
  let writesInFlight = 0;

  const alive = () => {
    if (disposed) throw new RuntimeError('runtime.error.disposed');
  };
  const hostAlive = () => runtime !== null && host !== null && !host.closed;

  // ─── boot steps ─────────────────────────────────────────────────────────────────────────────

  const reportStep = (step: BootStep, progress: number) => setState({ steps: advanceStep(state.steps, step, progress) });
  const failStep = (step?: BootStep | null) => setState({ steps: failedSteps(state.steps, step) });

  /** A failure becomes state: `suspended` when the runner made room for another tab (the runtime
   * is gone: dropped here, booted anew on resume), `failed` otherwise. */
  const fail = (error: SessionError, patch: Patch = {}) => {
    if (error.key !== SUSPENDED) return setState({ ...patch, phase: 'failed', error });
    setState({ ...patch, phase: 'suspended', port: undefined, error });
    void teardown();
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
    if (client.features) setState({ hostFeatures: client.features });
    hostSubscriptions = [
      client.onFeatures((found) => setState({ hostFeatures: found })),
      client.onOutput((instance, stream, data) => listeners.output.emit(data, stream, instance)),
      client.onEvent((instance, event) => {
        listeners.probe.emit(event, instance);
        if (instance !== DEFAULT_INSTANCE) return;
        if (event.type === 'error') {
          const error = event as ProbeErrorEvent;
          setState({ lastError: error });
          listeners.server.emit({ type: 'error', error });
        } else if (
          event.type === 'listening' &&
          ((state.phase === 'crashed' && state.error?.key === 'runtime.error.serverTimeout') || (state.phase === 'busy' && !awaitingListen))
        ) {
          // A slow (or stuck) server that listened after all.
          setState({ phase: 'running', port: event.port, error: undefined });
          listeners.server.emit({ type: 'listening', port: event.port, reason: 'restart' });
        }
      }),
      client.onExit((instance, code, signal, requested) => {
        if (instance !== DEFAULT_INSTANCE) return;
        lastExit = { code, signal };
        listeners.server.emit({ type: 'exit', code, signal, requested });
        // While starting, the start's own wait reports the crash; here: a running (or stuck) server died.
        if (!requested && (state.phase === 'running' || (state.phase === 'busy' && !awaitingListen))) {
          setState({ phase: 'crashed', port: undefined, error: { key: 'runtime.error.serverCrashed', detail: { code, signal } } });
        }
      }),
      client.onNotice((instance, key, data) => {
        if (instance !== DEFAULT_INSTANCE) return;
        if (key === 'busy') onBusy(data);
        else if (key === 'unblocked') onUnblocked(client);
        listeners.server.emit({ type: 'notice', key, data });
      }),
      client.onHostExit((code, cause) => {
        if (host !== client) return; // we closed it ourselves
        dropHost();
        running?.abort();
        const suspended = sessionError(cause);
        fail(suspended.key === SUSPENDED ? suspended : { key: 'runtime.error.hostExited', detail: { code } }, { port: undefined });
      }),
    ];
  };

  // ─── a busy server (its event loop blocked: the host's `busy` / `unblocked` notices) ────────

  /** Phase busy, from a start or a running server: never "running" or "crashed" while it spins. */
  const onBusy = (data: unknown) => {
    if (!['booting', 'starting', 'running'].includes(state.phase)) return;
    const ms = (data as { ms?: unknown } | null)?.ms;
    busyFrom = state.phase;
    setState({ phase: 'busy', busy: { since: Date.now() - (typeof ms === 'number' && ms > 0 ? ms : 0) } });
  };
  /** It turns again: running when it listens, else back to the start that waits for it. */
  const onUnblocked = (client: HostClient) => {
    if (state.phase !== 'busy') return;
    const port = client.listeningPort(DEFAULT_INSTANCE);
    if (port !== undefined && !awaitingListen) setState({ phase: 'running', port });
    else if (awaitingListen) setState({ phase: busyFrom === 'booting' ? 'booting' : 'starting' });
    else {
      setState({
        phase: 'crashed',
        port: undefined,
        error: { key: 'runtime.error.serverTimeout', detail: { seconds: Math.round(timeouts.listenMs / 1000) } },
      });
    }
  };
  let busyFrom: SessionState['phase'] = 'starting';

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
      fail(failure);
      return false;
    }
  };

  // ─── choosing and booting a runtime ────────────────────────────────────────────────────────

  /** Chooses and boots a runtime, then its host. True when both are up. */
  const bootAndConnect = async (signal: AbortSignal): Promise<boolean> => {
    const wanted = preference();
    setState({ phase: 'booting', preference: wanted, ...unbooted(), ...cleared, resumed: resuming || undefined });
    resuming = false;
    const outcome = await bootRuntime({
      deps,
      timeouts,
      isolated,
      preference: wanted,
      signal,
      bootWebContainer,
      onAttempt: (kind) => setState({ runtime: kind, steps: initialSteps() }),
      onStep: reportStep,
      onRuntimeError: (error) => {
        if (runtime?.kind !== 'webcontainer') return;
        running?.abort();
        setState({ phase: 'failed', port: undefined, error: sessionError(error) });
      },
    });
    switch (outcome.kind) {
      case 'aborted':
        return false;
      case 'readonly':
        setState({ phase: 'readonly', ...unbooted(), reasons: outcome.reasons });
        return false;
      case 'failed':
        failStep(outcome.step);
        fail(sessionError(outcome.error), {
          ...(outcome.runtime ? { runtime: outcome.runtime } : {}),
          ...(outcome.reasons ? { reasons: outcome.reasons } : {}),
        });
        return false;
      case 'live':
        boots += 1;
        runtime = outcome.runtime;
        setState({
          runtime: runtime.kind,
          ...(outcome.passedOver ? { fallback: { from: outcome.passedOver.kind, error: sessionError(outcome.passedOver.error) } } : {}),
        });
        return connectHost(signal, true);
    }
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
    queue = run.catch(reportPageError);
    return queue;
  };

  /** Resolves once every write sent so far (and any sent meanwhile) has reached the runtime. */
  const settleWrites = async () => {
    let last: Promise<void>;
    do {
      last = lastWrite;
      await last;
    } while (last !== lastWrite);
  };

  /** What one lesson operation works on, and how it knows a newer one took over. */
  interface Apply {
    readonly rt: Runtime;
    readonly client: HostClient;
    readonly lesson: OpenLesson;
    readonly signal: AbortSignal;
    readonly reason: StartReason;
    /** Until the boot's steps are all done (the first start, or a retry of it), they are reported. */
    readonly steps: boolean;
    superseded(): boolean;
  }

  /** Stops the old server and mounts the lesson's files (read now: after the writes sent before). False when it did not happen. */
  const mountLesson = async ({ rt, client, lesson, reason, steps, superseded }: Apply): Promise<boolean> => {
    // The old server goes first: its files are about to vanish.
    if (reason !== 'boot') await client.stop().catch(() => {});
    if (superseded()) return false;
    if (steps) reportStep('files', 0.5);
    await settleWrites();
    const mounted = rt.mount(lesson.read());
    mounting = mounted.catch(() => {});
    try {
      await mounted;
    } catch (error) {
      if (superseded()) return false;
      if (steps) failStep('files');
      fail(sessionError(error));
      return false;
    }
    if (superseded()) return false;
    if (steps) reportStep('files', 1);
    return true;
  };

  /** Starts the lesson's server and waits for its `listening`; how it went becomes state. */
  const startServer = async ({ client, lesson, signal, reason, steps, superseded }: Apply): Promise<void> => {
    const { entry, env } = lesson.payload;
    try {
      // `start` stops a running server first, and always uses this lesson's entry and env.
      const result = await client.start({ entry, env });
      if (superseded()) return;
      if (steps) reportStep('server', 0.7);
      lastExit = null;
      awaitingListen = true;
      const port = await client.whenListening(result.instance, { timeoutMs: timeouts.listenMs, signal }).finally(() => {
        awaitingListen = false;
      });
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
      listeners.server.emit({ type: 'listening', port, reason });
    } catch (error) {
      if (superseded()) return;
      const failure = sessionError(error, { entry });
      // Stuck in a loop, not "not listening": it stays busy (Restart is offered) until it turns or ends.
      if (state.phase === 'busy' && failure.key === 'runtime.error.serverTimeout') return;
      if (steps) failStep('server');
      if (isServerFault(failure)) setState({ phase: 'crashed', port: undefined, error: failure });
      else fail(failure, { port: undefined });
    }
  };

  /** Mounts the lesson's files (when `mount`) and starts its server, waiting for `listening`. */
  const applyLesson = async (signal: AbortSignal, reason: StartReason, mount: boolean): Promise<void> => {
    const rt = runtime;
    const client = host;
    const lesson = current;
    if (!rt || !client || client.closed || !lesson) return;
    const steps = stepsPending(state.steps);
    const superseded = () => signal.aborted || rt !== runtime || client !== host;
    const apply: Apply = { rt, client, lesson, signal, reason, steps, superseded };
    setState({ phase: steps ? 'booting' : 'starting', ...cleared });
    if (mount && !(await mountLesson(apply))) return;
    await settleWrites();
    if (superseded()) return;
    if (steps) reportStep('server', 0.4);
    else setState({ phase: 'starting' });
    listeners.server.emit({ type: 'starting', reason });
    await startServer(apply);
  };

  // ─── the chain: boot, then the first start ─────────────────────────────────────────────────

  const startChain = (): Promise<void> => {
    const controller = new AbortController();
    const done = (async () => {
      const up = await bootAndConnect(controller.signal);
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
    onState: (listener) => listeners.state.add(listener),
    host: () => host,
    runtime: () => runtime,
    bootCount: () => boots,
    onOutput: (listener) => listeners.output.add(listener),
    onServer: (listener) => listeners.server.add(listener),
    onProbe: (listener) => listeners.probe.add(listener),

    async open(payload, files) {
      alive();
      current = lessonOf(payload, files);
      if (hostAlive()) return enqueue((signal) => applyLesson(signal, 'open', true));
      // Booting: the chain mounts the latest lesson when it gets there.
      if (chain) return chain.done;
      if (state.phase === 'idle') return startChain();
      if (state.phase === 'suspended') return session.resume();
      // readonly, or failed: the new lesson waits for retry().
    },

    async write(path, text) {
      if (disposed) return;
      if (current?.own) current.own[path] = text;
      const rt = runtime;
      if (!rt) return;
      const before = lastWrite;
      const mounted = mounting;
      writesInFlight += 1;
      const writing = (async () => {
        await before;
        await mounted;
        if (rt !== runtime) return;
        try {
          await rt.writeFile(path, text);
        } catch (error) {
          if (rt !== runtime || disposed) return;
          // The edit is kept (the session's copy): Try again mounts every file anew.
          running?.abort();
          fail(sessionError(error), { port: undefined });
        }
      })().finally(() => {
        writesInFlight -= 1;
      });
      lastWrite = writing.catch(() => {});
      return writing;
    },

    async restart() {
      if (disposed) return;
      // The code written before this restart is the code it runs; and what those writes did (a
      // runner that suspended this tab meanwhile) decides what the restart does.
      if (writesInFlight > 0) await settleWrites();
      if (disposed) return;
      if (state.phase === 'suspended') return session.resume();
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
          fail(sessionError(error), { port: undefined });
          return;
        }
        if (client !== host) return;
        setState({ phase: 'stopped', port: undefined, error: undefined });
        listeners.server.emit({ type: 'stopped' });
      });
    },

    async previewUrl() {
      alive();
      const rt = runtime;
      const port = state.port;
      if (!rt || state.phase !== 'running' || port === undefined) throw new RuntimeError('runtime.error.serverStopped');
      return rt.previewUrl(port);
    },

    async resume() {
      alive();
      if (state.phase !== 'suspended' || chain) return chain?.done;
      resuming = true;
      await teardown();
      if (!current) {
        resuming = false;
        setState({ phase: 'idle', ...unbooted(), ...cleared });
        return;
      }
      return startChain();
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
        setState({ phase: 'idle', ...unbooted(), ...cleared });
        return;
      }
      return startChain();
    },

    async dispose() {
      if (disposed) return;
      disposed = true;
      await teardown();
      setState({ phase: 'idle', ...unbooted(), ...cleared });
      listeners.state.clear();
      listeners.output.clear();
      listeners.server.clear();
      listeners.probe.clear();
    },
  };
  return session;
}
