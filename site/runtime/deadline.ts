// Waiting with a way out: every wait in the runtime code ends, by its result, by our own timeout,
// or by an AbortSignal; never by a magic sleep.
import { RuntimeError, type BootStep, type RuntimeErrorKey } from './types.ts';

export interface DeadlineOptions {
  /** Milliseconds; Infinity (or no value) waits without a timer. */
  readonly ms?: number;
  /** The error when the time is up. */
  readonly timeout?: () => Error;
  readonly signal?: AbortSignal | undefined;
  /** The error when the signal aborts (default: RuntimeError `runtime.error.aborted`). */
  readonly aborted?: () => Error;
}

/** Settles like `promise`, or rejects when the time is up or the signal aborts (whichever first). */
export function deadline<T>(promise: Promise<T>, options: DeadlineOptions): Promise<T> {
  const { ms, signal } = options;
  const aborted = options.aborted ?? (() => new RuntimeError('runtime.error.aborted', { cause: signal?.reason }));
  if (signal?.aborted) {
    promise.catch(() => {});
    return Promise.reject(aborted());
  }
  return new Promise<T>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = () => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      done();
      reject(aborted());
    };
    if (ms !== undefined && Number.isFinite(ms)) {
      timer = setTimeout(() => {
        done();
        reject(options.timeout ? options.timeout() : new RuntimeError('runtime.error.unknown'));
      }, ms);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        done();
        resolve(value);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}

/** A RuntimeError factory for `deadline`'s `timeout`. */
export function timeoutError(key: RuntimeErrorKey, ms: number, step: BootStep | null = null): () => RuntimeError {
  return () => new RuntimeError(key, { step, detail: { seconds: Math.round(ms / 100) / 10 } });
}

/** An AbortController that also aborts when any of the given signals does; `release()` unhooks it. */
export function linkedController(...signals: (AbortSignal | undefined)[]): { controller: AbortController; release: () => void } {
  const controller = new AbortController();
  const hooks: (() => void)[] = [];
  for (const signal of signals) {
    if (!signal) continue;
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    const onAbort = () => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    hooks.push(() => signal.removeEventListener('abort', onAbort));
  }
  return { controller, release: () => hooks.forEach((unhook) => unhook()) };
}
