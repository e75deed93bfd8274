// A Lighthouse run that failed for a reason Lighthouse itself calls worth another try, tried again;
// kept apart from lighthouse.ts so it is tested without loading Lighthouse.

/**
 * The trace errors Lighthouse itself answers with "Something went wrong with recording the trace
 * over your page load. Please run Lighthouse again." (its `badTraceRecording` message in
 * node_modules/lighthouse/core/lib/lh-error.js). Seen here: NO_NAVSTART, once in a while.
 */
export const TRANSIENT_TRACE_ERRORS: ReadonlySet<string> = new Set(['NO_TRACING_STARTED', 'NO_RESOURCE_REQUEST', 'NO_NAVSTART', 'NO_DCL', 'NO_FMP']);
export const LIGHTHOUSE_ATTEMPTS = 3;

/** A failed run's Lighthouse error code (thrown as a LighthouseError, or in the report's runtimeError). */
export class LighthouseRunError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(`Lighthouse: ${code} ${message}`);
    this.code = code;
  }
}

const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** Runs `once` again (up to `attempts` in all) while it fails with a transient trace error. */
export async function retryTransient<T>(once: () => Promise<T>, attempts = LIGHTHOUSE_ATTEMPTS, onRetry: (code: string) => void = () => {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await once();
    } catch (error) {
      const code = codeOf(error);
      if (attempt >= attempts || code === undefined || !TRANSIENT_TRACE_ERRORS.has(code)) throw error;
      onRetry(code);
    }
  }
}

