// The one error type the runner answers with: an HTTP status and a stable message key the page
// translates (`{ error: { key, message, limit? } }`). The message is English, for logs and
// developers; `limit` is the number a limit refusal names (the page shows it to the learner).
// The keys and the statuses each may come with are the protocol's (lab/protocol/runner.ts): a key
// answered with a status it does not list does not compile.
import type { RunnerErrorBody, RunnerErrorKey, RunnerErrorStatus } from '../protocol/runner.ts';

export class RunnerError<K extends RunnerErrorKey = RunnerErrorKey> extends Error {
  readonly status: RunnerErrorStatus<K>;
  readonly key: K;
  /** For 405: the methods the route accepts (the `Allow` header). */
  readonly allow: string | undefined;
  /** The bound a limit refusal names (429, 413). */
  readonly limit: number | undefined;
  constructor(status: RunnerErrorStatus<K>, key: K, message: string, extra: { allow?: string; limit?: number } = {}) {
    super(message);
    this.name = 'RunnerError';
    this.status = status;
    this.key = key;
    this.allow = extra.allow;
    this.limit = extra.limit;
  }

  /** The answer's body. */
  body(): RunnerErrorBody {
    return { error: { key: this.key, message: this.message, ...(this.limit === undefined ? {} : { limit: this.limit }) } };
  }
}

/** A key answered with this status. */
type KeyWith<S extends number> = { [K in RunnerErrorKey]: S extends RunnerErrorStatus<K> ? K : never }[RunnerErrorKey];

/** A bound the runner enforces, refused with the number (the page tells the learner). */
export const overLimit = <K extends KeyWith<413> | KeyWith<429>>(status: RunnerErrorStatus<K>, key: K, message: string, limit: number): RunnerError<K> =>
  new RunnerError(status, key, message, { limit });

export const refuse = (key: KeyWith<403>, message: string): RunnerError => new RunnerError(403, key, message);
export const badRequest = (key: KeyWith<400>, message: string): RunnerError => new RunnerError(400, key, message);
export const notFound = (key: KeyWith<404>, message: string): RunnerError => new RunnerError(404, key, message);
