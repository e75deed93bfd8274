// Which runtime runs the lessons: by feature detection, never by user agent.
//   auto: served by `npm start` (the runner answers /__runner/token) → local first;
//         else WebContainer if the page is cross-origin isolated and boots in time;
//         else read-only, with the reasons.
// Every attempt has its own timeout here too, so a verdict always comes.
import { deadline, linkedController } from './deadline.ts';
import { RuntimeError, errorKey, isRuntimeError, type Runtime, type RuntimeErrorKey, type RuntimeKind } from './types.ts';

export const RUNTIME_PREFERENCES = ['auto', 'local', 'webcontainer', 'readonly'] as const;
export type RuntimePreference = (typeof RUNTIME_PREFERENCES)[number];

/** Why a mode was not used (message keys). */
export type ReasonKey = RuntimeErrorKey | 'runtime.reason.readonlyChosen';
/** A reason with the values its message names (a timeout's seconds, a limit's number). */
export interface Reason {
  readonly key: ReasonKey;
  readonly detail?: Readonly<Record<string, string | number | boolean | null>>;
}

/** Failures that end the choice instead of trying the next runtime: the runner made room for
 * another tab (this page resumes later, it does not need another runtime). */
const DECISIVE: ReadonlySet<RuntimeErrorKey> = new Set(['runtime.error.suspended']);

export interface Failure {
  readonly kind: RuntimeKind;
  readonly key: RuntimeErrorKey;
  readonly error: unknown;
}

export type RuntimeChoice =
  | { readonly mode: 'live'; readonly runtime: Runtime; readonly failures: readonly Failure[] }
  | { readonly mode: 'readonly'; readonly reasons: readonly Reason[]; readonly failures: readonly Failure[] };

export interface ChooseOptions {
  readonly preference: RuntimePreference;
  /** Resolves when a local runner serves this page (its token answers); rejects (a RuntimeError) when not. */
  readonly probeRunner: (signal: AbortSignal) => Promise<void>;
  readonly createLocal: (signal: AbortSignal) => Promise<Runtime>;
  /** `crossOriginIsolated`, the WebContainer's precondition. */
  readonly isolated: () => boolean;
  readonly createWebContainer: (signal: AbortSignal) => Promise<Runtime>;
  readonly probeTimeoutMs?: number;
  readonly localTimeoutMs?: number;
  /** The outer bound of a WebContainer attempt (its own boot timeout is shorter). */
  readonly webcontainerTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 3_000;
export const DEFAULT_LOCAL_TIMEOUT_MS = 10_000;
/** The outer bound of a WebContainer attempt: its boot (webcontainer.ts, 60 s), the dependency
 * download that follows (30 s) and the mounts. */
export const DEFAULT_WEBCONTAINER_TIMEOUT_MS = 120_000;

export async function chooseRuntime(options: ChooseOptions): Promise<RuntimeChoice> {
  if (options.preference === 'readonly') return { mode: 'readonly', reasons: [{ key: 'runtime.reason.readonlyChosen' }], failures: [] };
  const failures: Failure[] = [];
  const fail = (kind: RuntimeKind, error: unknown) => {
    if (options.signal?.aborted) throw new RuntimeError('runtime.error.aborted', { cause: options.signal.reason });
    const key = errorKey(error);
    if (DECISIVE.has(key)) throw error;
    failures.push({ kind, key, error });
  };

  let order: RuntimeKind[];
  if (options.preference === 'auto') {
    const served = await attempt(options.probeRunner, options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS, 'runtime.error.runnerUnreachable', options.signal).then(
      () => true,
      (error: unknown) => {
        fail('local', error);
        return false;
      },
    );
    order = served ? ['local', 'webcontainer'] : ['webcontainer'];
  } else {
    order = options.preference === 'local' ? ['local', 'webcontainer'] : ['webcontainer', 'local'];
  }

  for (const kind of order) {
    if (kind === 'webcontainer' && !options.isolated()) {
      fail(kind, new RuntimeError('runtime.error.notIsolated', { step: 'boot' }));
      continue;
    }
    const [create, ms, key] =
      kind === 'local'
        ? ([options.createLocal, options.localTimeoutMs ?? DEFAULT_LOCAL_TIMEOUT_MS, 'runtime.error.runnerTimeout'] as const)
        : ([options.createWebContainer, options.webcontainerTimeoutMs ?? DEFAULT_WEBCONTAINER_TIMEOUT_MS, 'runtime.error.bootTimeout'] as const);
    try {
      const runtime = await attempt(create, ms, key, options.signal);
      return { mode: 'live', runtime, failures };
    } catch (error) {
      fail(kind, error);
    }
  }
  return { mode: 'readonly', reasons: reasonsOf(failures), failures };
}

/** Runs one attempt under a timeout; a runtime that arrives after it gave up is disposed. */
async function attempt<T>(
  run: (signal: AbortSignal) => Promise<T>,
  ms: number,
  key: RuntimeErrorKey,
  outer: AbortSignal | undefined,
): Promise<T> {
  const { controller, release } = linkedController(outer);
  const running = Promise.resolve().then(() => run(controller.signal));
  try {
    return await deadline(running, {
      ms,
      timeout: () => new RuntimeError(key, { step: 'boot', detail: { seconds: ms / 1000 } }),
      signal: outer,
    });
  } catch (error) {
    controller.abort();
    void running.then(
      (late) => disposeLate(late),
      () => {},
    );
    throw error;
  } finally {
    release();
  }
}

function disposeLate(value: unknown): void {
  const runtime = value as Partial<Runtime> | undefined;
  if (runtime && typeof runtime.dispose === 'function') runtime.dispose().catch(() => {});
}

/** One reason per message key, with the values of the first failure that gave it. */
function reasonsOf(failures: readonly Failure[]): Reason[] {
  const byKey = new Map<ReasonKey, Reason>();
  for (const { key, error } of failures) {
    if (!byKey.has(key)) byKey.set(key, isRuntimeError(error) ? { key, detail: error.detail } : { key });
  }
  return [...byKey.values()];
}
