// The benchmark's Lighthouse runs: a transient trace error (NO_NAVSTART, seen here) is run again
// instead of ending the benchmark; any other failure, or the same one too often, still ends it.
import { describe, expect, it } from 'vitest';
import { LighthouseRunError, retryTransient } from '../../scripts/lib/lighthouse-retry.ts';

const failing = (codes: string[], result = 'figures') => {
  let calls = 0;
  return {
    run: async () => {
      const code = codes[calls++];
      if (code) throw new LighthouseRunError(code, 'trace');
      return result;
    },
    calls: () => calls,
  };
};

describe('retryTransient', () => {
  it('runs again after NO_NAVSTART (as thrown or as the report runtimeError) and returns the next good run', async () => {
    const attempt = failing(['NO_NAVSTART', 'NO_TRACING_STARTED']);
    const retried: string[] = [];
    await expect(retryTransient(attempt.run, 3, (code) => retried.push(code))).resolves.toBe('figures');
    expect(attempt.calls()).toBe(3);
    expect(retried).toEqual(['NO_NAVSTART', 'NO_TRACING_STARTED']);
    // A LighthouseError as Lighthouse throws it carries the same `code`.
    const thrown = Object.assign(new Error('trace'), { code: 'NO_NAVSTART' });
    let first = true;
    await expect(retryTransient(async () => { if (first) { first = false; throw thrown; } return 1; })).resolves.toBe(1);
  });

  it('gives up after the last attempt, and never retries another error', async () => {
    const always = failing(['NO_NAVSTART', 'NO_NAVSTART', 'NO_NAVSTART']);
    await expect(retryTransient(always.run, 3)).rejects.toMatchObject({ code: 'NO_NAVSTART' });
    expect(always.calls()).toBe(3);
    const other = failing(['ERRORED_DOCUMENT_REQUEST']);
    await expect(retryTransient(other.run, 3)).rejects.toMatchObject({ code: 'ERRORED_DOCUMENT_REQUEST' });
    expect(other.calls()).toBe(1);
    let plainCalls = 0;
    await expect(retryTransient(async () => { plainCalls++; throw new Error('no code'); }, 3)).rejects.toThrow('no code');
    expect(plainCalls).toBe(1);
  });
});
