// The one error type the runner answers with: an HTTP status and a stable message key the page
// translates (`{ error: { key, message } }`). The message is English, for logs and developers.

export class RunnerError extends Error {
  readonly status: number;
  readonly key: string;
  /** For 405: the methods the route accepts (the `Allow` header). */
  readonly allow: string | undefined;
  constructor(status: number, key: string, message: string, allow?: string) {
    super(message);
    this.name = 'RunnerError';
    this.status = status;
    this.key = key;
    this.allow = allow;
  }
}

export const refuse = (key: string, message: string): RunnerError => new RunnerError(403, key, message);
export const badRequest = (key: string, message: string): RunnerError => new RunnerError(400, key, message);
export const notFound = (key: string, message: string): RunnerError => new RunnerError(404, key, message);
