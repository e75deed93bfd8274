// The one error type the runner answers with: an HTTP status and a stable message key the page
// translates (`{ error: { key, message, limit? } }`). The message is English, for logs and
// developers; `limit` is the number a limit refusal names (the page shows it to the learner).

export class RunnerError extends Error {
  readonly status: number;
  readonly key: string;
  /** For 405: the methods the route accepts (the `Allow` header). */
  readonly allow: string | undefined;
  /** The bound a limit refusal names (429, 413). */
  readonly limit: number | undefined;
  constructor(status: number, key: string, message: string, extra: { allow?: string; limit?: number } = {}) {
    super(message);
    this.name = 'RunnerError';
    this.status = status;
    this.key = key;
    this.allow = extra.allow;
    this.limit = extra.limit;
  }
}

/** A bound the runner enforces, refused with the number (the page tells the learner). */
export const overLimit = (status: 413 | 429, key: string, message: string, limit: number): RunnerError =>
  new RunnerError(status, key, message, { limit });

export const refuse = (key: string, message: string): RunnerError => new RunnerError(403, key, message);
export const badRequest = (key: string, message: string): RunnerError => new RunnerError(400, key, message);
export const notFound = (key: string, message: string): RunnerError => new RunnerError(404, key, message);
