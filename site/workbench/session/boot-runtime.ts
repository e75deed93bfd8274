// The first half of the boot chain: choose a runtime (choose.ts: local runner, else a
// WebContainer, else read-only) and boot it, reporting the named steps of the attempt in progress.
// It says how that went as a value; the session turns it into state and then starts the host.
import { chooseRuntime, type Failure, type Reason, type RuntimePreference } from '../../runtime/choose.ts';
import type { LocalRuntimeOptions } from '../../runtime/local.ts';
import { fetchRunnerToken } from '../../runtime/runner-token.ts';
import { servedByRunner } from '../../runtime/runner-mark.ts';
import { RuntimeError, isRuntimeError, type BootListener, type BootStep, type Runtime, type RuntimeKind } from '../../runtime/types.ts';
import { createWebContainerFactory, type WebContainerBootOptions, type WebContainerClass, type WebContainerFactory } from '../../runtime/webcontainer.ts';
import type { LessonSessionDeps, SessionTimeouts } from './session-types.ts';

export type { Failure };

export type BootOutcome =
  /** `passedOver`: the runtime the learner wanted (or the local runner serving the page) failed
   * first, and this one runs instead. */
  | { readonly kind: 'live'; readonly runtime: Runtime; readonly passedOver?: Failure }
  /** Nothing can run here, or the learner chose so: the reasons are messages (keys and values). */
  | { readonly kind: 'readonly'; readonly reasons: readonly Reason[] }
  /** A runtime the learner can act on failed (`runtime`: which one, when known). */
  | {
      readonly kind: 'failed';
      readonly error: unknown;
      readonly step: BootStep | null;
      readonly runtime?: RuntimeKind;
      readonly reasons?: readonly Reason[];
    }
  | { readonly kind: 'aborted' };

export interface BootRuntimeOptions {
  readonly deps: LessonSessionDeps;
  readonly timeouts: SessionTimeouts;
  readonly isolated: () => boolean;
  readonly preference: RuntimePreference;
  readonly signal: AbortSignal;
  readonly bootWebContainer: (options: WebContainerBootOptions) => Promise<Runtime>;
  /** A runtime is tried (local, then maybe a WebContainer): its steps start afresh. */
  readonly onAttempt: (kind: RuntimeKind) => void;
  /** A step of the attempt in progress; those of an abandoned attempt never arrive. */
  readonly onStep: (step: BootStep, progress: number) => void;
  /** A booted WebContainer failed later (its own error report). */
  readonly onRuntimeError: (error: unknown) => void;
}

const notServed = () => new RuntimeError('runtime.error.runnerUnreachable', { step: 'boot', detail: { reason: 'notServed' } });

/** Keys that say a runtime could not even be tried here (not a failure to retry). */
const PRECONDITIONS: ReadonlySet<string> = new Set(['runtime.error.notIsolated', 'runtime.error.runnerUnreachable']);

/** The failure to report as "failed" (the learner can act on it), or null when the environment
 * only lacks what a runtime needs (read-only mode, with the reasons). */
function blockingFailure(wanted: RuntimePreference, failures: readonly Failure[]): Failure | null {
  if (wanted === 'local' || wanted === 'webcontainer') return failures.find((f) => f.kind === wanted) ?? failures[0] ?? null;
  return failures.find((f) => !PRECONDITIONS.has(f.key)) ?? null;
}

export async function bootRuntime(o: BootRuntimeOptions): Promise<BootOutcome> {
  const { deps, timeouts, signal } = o;
  let token: string | undefined;
  let attempt = 0;
  const stepsOf = (kind: RuntimeKind, attemptSignal: AbortSignal): BootListener => {
    const mine = ++attempt;
    o.onAttempt(kind);
    return ({ step, progress }) => {
      if (signal.aborted || attemptSignal.aborted || mine !== attempt) return;
      // The runtime's own `files` step covers the lab's scripts: the first half of ours.
      o.onStep(step, step === 'files' ? Math.min(progress, 1) * 0.5 : progress);
    };
  };

  let choice;
  try {
    choice = await chooseRuntime({
      preference: o.preference,
      signal,
      probeTimeoutMs: timeouts.probeMs + 1_000,
      localTimeoutMs: timeouts.localMs,
      webcontainerTimeoutMs: timeouts.webcontainerMs,
      isolated: o.isolated,
      probeRunner: async (probeSignal) => {
        if (deps.probeRunner) token = await deps.probeRunner(probeSignal);
        else if (!servedByRunner()) throw notServed();
        else token = await fetchRunnerToken({ signal: probeSignal, timeoutMs: timeouts.probeMs, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
      },
      createLocal: async (localSignal) => {
        // Not served by `npm start`: no runner to ask, and no request to /__runner/.
        if (!deps.createLocal && !servedByRunner()) throw notServed();
        const options: LocalRuntimeOptions = {
          signal: localSignal,
          onStep: stepsOf('local', localSignal),
          ...(token === undefined ? {} : { token }),
          ...(deps.fetch ? { fetch: deps.fetch } : {}),
          ...(deps.WebSocket ? { WebSocket: deps.WebSocket } : {}),
        };
        // Its code comes when a runner answered (or was asked for): a static host never fetches it.
        return (deps.createLocal ?? (await import('../../runtime/local.ts')).createLocalRuntime)(options);
      },
      createWebContainer: async (wcSignal) => {
        const onStep = stepsOf('webcontainer', wcSignal);
        // Asked for once the WebContainer has booted: where it never does (offline, no support),
        // the page never fetches lab/inside's scripts.
        const labFiles = () =>
          deps.labFiles().catch((cause: unknown) => {
            throw new RuntimeError('runtime.error.mountFailed', { step: 'files', cause });
          });
        return o.bootWebContainer({ snapshotUrl: deps.snapshotUrl, labFiles, onStep, signal: wcSignal, onError: o.onRuntimeError });
      },
    });
  } catch (error) {
    return signal.aborted ? { kind: 'aborted' } : { kind: 'failed', error, step: 'boot' };
  }

  if (signal.aborted) {
    if (choice.mode === 'live') await choice.runtime.dispose().catch(() => {});
    return { kind: 'aborted' };
  }
  const failure = blockingFailure(o.preference, choice.failures);
  if (choice.mode === 'live') return { kind: 'live', runtime: choice.runtime, ...(failure ? { passedOver: failure } : {}) };
  if (!failure) return { kind: 'readonly', reasons: choice.reasons };
  const step = isRuntimeError(failure.error) ? (failure.error.step ?? null) : null;
  return { kind: 'failed', error: failure.error, step, runtime: failure.kind, reasons: choice.reasons };
}

/** Boots WebContainers through one factory (the page may boot only one, and keeps it). */
export function webContainerBooter(deps: Pick<LessonSessionDeps, 'WebContainer' | 'createWebContainer' | 'fetch'>, isolated: () => boolean) {
  const loadWebContainer = deps.WebContainer ?? (async (): Promise<WebContainerClass> => (await import('@webcontainer/api')).WebContainer);
  let factory: WebContainerFactory | null = null;
  const getFactory = async (): Promise<WebContainerFactory> => {
    if (factory) return factory;
    let WebContainer: WebContainerClass;
    try {
      WebContainer = await loadWebContainer();
    } catch (cause) {
      throw new RuntimeError('runtime.error.bootFailed', { step: 'boot', cause });
    }
    factory ??= createWebContainerFactory({ WebContainer, isolated, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
    return factory;
  };
  return async (options: WebContainerBootOptions): Promise<Runtime> => {
    if (deps.createWebContainer) return deps.createWebContainer(options);
    return (await getFactory()).boot(options);
  };
}
