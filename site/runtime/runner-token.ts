// Whether a local runner serves this page: its token, or why not. Apart from local.ts (the
// runtime itself) because every page asks this first, and only a page `npm start` serves needs
// the rest: on a static host the local runtime's code is never fetched.
import { deadline, linkedController } from './deadline.ts';
import { RuntimeError, isRuntimeError } from './types.ts';
import { RUNNER_PREFIX, type TokenAnswer } from '../../lab/protocol/runner.ts';

export { RUNNER_PREFIX };
export const DEFAULT_RUNNER_TIMEOUT_MS = 5_000;

export interface RunnerConnection {
  /** Prefix of the runner's URLs: '' (same origin, the default) or an origin like `http://127.0.0.1:4321`. */
  readonly base?: string;
  readonly fetch?: typeof fetch;
  /** Per-call timeout (ms). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** `GET /__runner/token`. Resolves the token, or rejects `runnerUnreachable` (no runner answers:
 * network error, timeout, 404, not JSON) or `runnerRefused` (403). */
export async function fetchRunnerToken(connection: RunnerConnection = {}): Promise<string> {
  const fetchFn = connection.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const ms = connection.timeoutMs ?? DEFAULT_RUNNER_TIMEOUT_MS;
  const { controller, release } = linkedController(connection.signal);
  const unreachable = (cause?: unknown, status?: number) =>
    new RuntimeError('runtime.error.runnerUnreachable', { step: 'boot', cause, detail: status === undefined ? {} : { status } });
  try {
    const response = await deadline(
      fetchFn(`${connection.base ?? ''}${RUNNER_PREFIX}/token`, {
        signal: controller.signal,
        credentials: 'same-origin',
        cache: 'no-store',
      }),
      { ms, timeout: () => unreachable(new Error('timeout')), signal: connection.signal },
    ).catch((error: unknown) => {
      throw isRuntimeError(error) ? error : unreachable(error);
    });
    if (response.status === 403) throw new RuntimeError('runtime.error.runnerRefused', { step: 'boot', detail: { status: 403 } });
    if (!response.ok) throw unreachable(undefined, response.status);
    const body: unknown = await deadline(response.json(), { ms, timeout: () => unreachable(new Error('timeout')) }).catch(
      (error: unknown) => {
        throw isRuntimeError(error) ? error : unreachable(error, response.status);
      },
    );
    const token = (body as Partial<TokenAnswer> | null)?.token;
    if (typeof token !== 'string' || token === '') throw unreachable(undefined, response.status);
    return token;
  } finally {
    controller.abort();
    release();
  }
}
