// What each lesson server (instance) of the host did last — starting, running, listening, ended or
// failed — and who waits for it to listen. Readiness is the probe's `listening` event, never a
// match on output text; an exit frame that belongs to an earlier run (by pid) does not end the
// current one.
import { deadline, timeoutError } from './deadline.ts';
import { DEFAULT_INSTANCE, type ExitFrame, type Instance, type StartResult } from '../../lab/protocol/host.ts';
import { RuntimeError } from './types.ts';

interface Ended {
  readonly code: number | null;
  readonly signal: string | null;
  readonly requested: boolean;
}
/** What an instance's current run did last. A start/restart in flight is `starting`: exits seen
 * then belong to the run it replaces (or, by pid, to the new one, known when the reply comes). */
type InstanceState =
  | { readonly status: 'starting'; readonly exits: Map<number, Ended> }
  | { readonly status: 'running'; readonly pid: number | undefined }
  | { readonly status: 'listening'; readonly pid: number | undefined; readonly port: number }
  | { readonly status: 'exited'; readonly code: number | null; readonly signal: string | null; readonly requested: boolean }
  | { readonly status: 'failed'; readonly error: Error };

interface Waiter {
  readonly resolve: (port: number) => void;
  readonly reject: (error: Error) => void;
}

export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** Why an instance does not listen: it crashed, or it was stopped. */
const ended = (instance: Instance, { code, signal, requested }: Ended) =>
  new RuntimeError(requested ? 'runtime.error.serverStopped' : 'runtime.error.serverCrashed', {
    step: 'server',
    detail: { instance, code, signal },
  });

export class InstanceTracker {
  readonly #states = new Map<Instance, InstanceState>();
  readonly #waiters = new Map<Instance, Set<Waiter>>();

  /** The probe said the instance listens. */
  listening(instance: Instance, port: number): void {
    const state = this.#states.get(instance);
    this.#states.set(instance, { status: 'listening', port, pid: state?.status === 'running' ? state.pid : undefined });
    this.#settle(instance, (waiter) => waiter.resolve(port));
  }

  /** A run of the instance ended. */
  exited(frame: ExitFrame): void {
    const state = this.#states.get(frame.instance);
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
      this.#states.set(frame.instance, { status: 'exited', ...end });
      this.#settle(frame.instance, (waiter) => waiter.reject(ended(frame.instance, end)));
    }
  }

  /** A start/restart of `name`: `send` sends it; the instance's state follows it to its reply. */
  starting(name: Instance, send: () => Promise<StartResult>): Promise<StartResult> {
    const marker: InstanceState = { status: 'starting', exits: new Map() };
    this.#states.set(name, marker);
    return send().then(
      (result) => {
        this.#started(name, marker, result);
        return result;
      },
      (error: Error) => {
        if (this.#states.get(name) === marker) {
          this.#states.set(name, { status: 'failed', error });
          this.#settle(name, (waiter) => waiter.reject(error));
        }
        throw error;
      },
    );
  }

  #started(name: Instance, marker: InstanceState & { status: 'starting' }, result: StartResult): void {
    const now = this.#states.get(name);
    const end = result.pid === undefined ? undefined : marker.exits.get(result.pid);
    if (now === marker && end) {
      this.#states.set(name, { status: 'exited', ...end });
      this.#settle(name, (waiter) => waiter.reject(ended(name, end)));
    } else if (now === marker) {
      this.#states.set(name, { status: 'running', pid: result.pid });
    } else if (now?.status === 'listening' && now.pid === undefined) {
      this.#states.set(name, { ...now, pid: result.pid });
    }
  }

  /** The port once the instance listens (now, or when it does); `closed`: the host is gone. */
  whenListening(instance: Instance = DEFAULT_INSTANCE, wait: WaitOptions = {}, closed = false): Promise<number> {
    const state = this.#states.get(instance);
    if (state?.status === 'listening') return Promise.resolve(state.port);
    if (state?.status === 'exited') return Promise.reject(ended(instance, state));
    if (state?.status === 'failed') return Promise.reject(state.error);
    if (closed) return Promise.reject(new RuntimeError('runtime.error.hostExited'));
    let waiter!: Waiter;
    const promise = new Promise<number>((resolve, reject) => {
      waiter = { resolve, reject };
    });
    const set = this.#waiters.get(instance) ?? new Set<Waiter>();
    set.add(waiter);
    this.#waiters.set(instance, set);
    const ms = wait.timeoutMs ?? 15_000;
    return deadline(promise, {
      ms,
      timeout: timeoutError('runtime.error.serverTimeout', ms, 'server'),
      signal: wait.signal,
    }).finally(() => {
      this.#waiters.get(instance)?.delete(waiter);
      if (this.#waiters.get(instance)?.size === 0) this.#waiters.delete(instance);
    });
  }

  listeningPort(instance: Instance = DEFAULT_INSTANCE): number | undefined {
    const state = this.#states.get(instance);
    return state?.status === 'listening' ? state.port : undefined;
  }

  /** The host is gone or closed: every wait fails with its own `error()`; `forget`: the states go too. */
  end(error: () => Error, forget: boolean): void {
    for (const instance of [...this.#waiters.keys()]) this.#settle(instance, (waiter) => waiter.reject(error()));
    if (forget) this.#states.clear();
  }

  #settle(instance: Instance, settle: (waiter: Waiter) => void): void {
    const set = this.#waiters.get(instance);
    if (!set) return;
    this.#waiters.delete(instance);
    for (const waiter of set) settle(waiter);
  }
}
