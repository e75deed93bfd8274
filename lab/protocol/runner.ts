// The local runner's API (lab/runner/, served by `npm start` under /__runner/): each route's body
// and answer, the output stream's messages, and every error key with the statuses it comes with.
// The prose — the guard, paths, processes, lifetime, bounds — is in lab/README.md ("The local
// runner's HTTP API"); the shapes are here, once: lab/runner answers with them, site/runtime/local.ts
// asks with them.
import type { Files } from '../lessons/schema.ts';

/** Every route is under this path, on the course's own origin. */
export const RUNNER_PREFIX = '/__runner';
/** The header that carries the per-start token (a WebSocket takes `?token=`, a beacon its body). */
export const TOKEN_HEADER = 'x-runner-token';
/** `npm start`'s mark in every page it serves (a `<meta name=…>`): a page without it never asks
 * /__runner/ (site/runtime/runner-mark.ts). */
export const RUNNER_MARK = 'session-lab-runner';

/** The lab scripts a page may start by name (resolved in the runner's lab folder, never a page's path). */
export const LAB_SCRIPTS = ['host.mjs', 'client.mjs'] as const;
export type LabScript = (typeof LAB_SCRIPTS)[number];

// ─── Routes: body → answer ───────────────────────────────────────────────────────────────────

/** `GET /token` */
export interface TokenAnswer {
  token: string;
}
/** `GET /status`: workspaces alive now, the bound, the most ever alive at once, how many were suspended. */
export interface StatusAnswer {
  live: number;
  limit: number;
  peak: number;
  suspended: number;
}
/** `POST /workspaces` (201) */
export interface WorkspaceAnswer {
  id: string;
}
/** `POST /workspaces/:id/visibility` */
export interface VisibilityBody {
  visible: boolean;
}
/** `POST /workspaces/:id/mount`: replaces the lesson's files (all but node_modules). */
export interface MountBody {
  files: Files;
}
/** `GET /workspaces/:id/tree` */
export interface TreeAnswer {
  files: string[];
  truncated?: true;
}
/** `POST /workspaces/:id/processes` (201 `{ pid }`) */
export interface SpawnBody {
  command: 'node';
  /** The script first (a lab script by name, or a .js/.mjs/.cjs file of the workspace), then its arguments. */
  args: string[];
}
export interface SpawnAnswer {
  pid: number;
}
/** `POST /workspaces/:id/preview` */
export interface PreviewBody {
  port: number;
}
export interface PreviewAnswer {
  url: string;
}
/** What the other routes answer (`DELETE`s, visibility, mount, a file written, input). */
export type EmptyAnswer = Record<string, never>;

// ─── The output stream (a WebSocket, one JSON text message per event) ───────────────────────

export type OutputMessage =
  /** `id`: the byte offset after it (`&from=<id>` resumes there); host frames ride on stdout, split anywhere. */
  | { t: 'chunk'; stream: 'stdout' | 'stderr'; data: string; id: number }
  /** Bytes the log dropped before the reader saw them. */
  | { t: 'notice'; key: 'outputTruncated'; dropped: number }
  /** Last; then the connection closes. `reason: 'suspended'`: the workspace made room for another page. */
  | { t: 'exit'; code: number | null; signal: string | null; reason?: 'suspended'; limit?: number };

// ─── Errors ──────────────────────────────────────────────────────────────────────────────────

/** Every error key, with the statuses it is answered with. */
export const RUNNER_ERRORS = {
  // 403: the guard, and what the runner will never do for a page
  forbiddenHost: [403],
  forbiddenOrigin: [403],
  forbiddenFetchSite: [403],
  missingToken: [403],
  badToken: [403],
  pathOutside: [403],
  pathInNodeModules: [403],
  commandNotAllowed: [403],
  nodeFlagNotAllowed: [403],
  scriptNotAllowed: [403],
  portNotReported: [403],
  // 400: a malformed call (a path with NUL or `\` is refused outright: 403)
  badJson: [400],
  badPath: [400, 403],
  badMount: [400],
  badSpawn: [400],
  badPort: [400],
  notAFile: [400],
  badUpgrade: [400],
  // 404, 405, 409, 410, 426
  notFound: [404],
  workspaceNotFound: [404],
  processNotFound: [404],
  fileNotFound: [404],
  methodNotAllowed: [405],
  processExited: [409],
  isDirectory: [409],
  pathConflict: [400, 409],
  workspaceSuspended: [410],
  upgradeRequired: [426],
  // 413, 429: the bounds (the answer names the limit)
  bodyTooLarge: [413],
  fileTooLarge: [413],
  tooManyFiles: [413],
  tooManyWorkspaces: [429],
  tooManyProcesses: [429],
  // 500, 503
  labScriptMissing: [500],
  spawnFailed: [500],
  writeFailed: [500],
  internalError: [500],
  inputBacklog: [503],
  runnerClosed: [503],
} as const satisfies Record<string, readonly number[]>;
export type RunnerErrorKey = keyof typeof RUNNER_ERRORS;
/** The statuses `key` may be answered with. */
export type RunnerErrorStatus<K extends RunnerErrorKey = RunnerErrorKey> = (typeof RUNNER_ERRORS)[K][number];

/** Every error answer's body. `limit`: the bound a limit refusal (413, 429, 410) names. */
export interface RunnerErrorBody {
  error: { key: RunnerErrorKey; message: string; limit?: number };
}
