// The runner's bounds. Every number that stops a page (or a runaway lesson) from using
// unbounded disk, memory or processes lives here, with defaults sized for a lesson.

export interface Limits {
  /** Workspaces alive at once (one per open page). */
  maxWorkspaces: number;
  /** Bytes of one file written by mount or PUT, and of one file read back. */
  maxFileBytes: number;
  /** Files in one mount. */
  maxFilesPerMount: number;
  /** Live processes per workspace. */
  maxProcessesPerWorkspace: number;
  /** Output kept per process (stdout + stderr); older output is dropped, and the stream says so. */
  maxOutputBytes: number;
  /** Bytes of one request body (mount, PUT, input, JSON calls). */
  maxBodyBytes: number;
  /** Bytes waiting to be written to a process's stdin before input is refused. */
  maxInputBacklogBytes: number;
  /** Entries listed by the tree route. */
  maxTreeEntries: number;
  /** A workspace with no open output stream and no request for this long is disposed. */
  idleMs: number;
  /** A workspace whose page closed its last output stream (the tab went away, with or without a
   * beacon) is disposed after this grace: long enough for an EventSource to reconnect (the stream
   * asks for a 1 s retry), short enough that a closed tab gives its room back at once. */
  goneGraceMs: number;
  /** Time between SIGTERM and SIGKILL when a process is stopped. */
  killGraceMs: number;
  /** Interval of the SSE keep-alive comment (also how a dead connection is noticed). */
  heartbeatMs: number;
  /** JavaScript heap of one lesson server, in MB (node's --max-old-space-size, set by the host). */
  lessonHeapMb: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxWorkspaces: 6,
  maxFileBytes: 512 * 1024,
  maxFilesPerMount: 200,
  maxProcessesPerWorkspace: 4,
  maxOutputBytes: 1024 * 1024,
  maxBodyBytes: 4 * 1024 * 1024,
  maxInputBacklogBytes: 1024 * 1024,
  maxTreeEntries: 2000,
  idleMs: 30_000,
  goneGraceMs: 5_000,
  killGraceMs: 1000,
  heartbeatMs: 15_000,
  lessonHeapMb: 256,
});

export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  const limits: Limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
    const value = overrides[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new TypeError(`runner limit ${key} must be a positive number, got ${String(value)}`);
    }
    limits[key] = value;
  }
  return limits;
}
