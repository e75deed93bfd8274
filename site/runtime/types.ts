// The runtime contract (DESIGN.md, "The live part"): the one small interface both runtimes
// implement — a WebContainer in the learner's browser, or the local runner started by `npm start`.
// Everything above it (the host client, the workbench) is shared. No UI text here: errors and
// reasons are message keys that the UI localizes.

/** A process started by a runtime. */
export interface RuntimeProcess {
  /** Everything the process prints (a pty in a WebContainer: stdout and stderr mixed, `\r\n`). */
  readonly output: ReadableStream<string>;
  /** The exit code. Rejects with a RuntimeError only when the runtime itself is lost. */
  readonly exit: Promise<number>;
  /** Writes to the process's standard input. */
  write(text: string): Promise<void>;
  kill(): void;
}

export type RuntimeKind = 'webcontainer' | 'local';

/** The lab scripts (lab/inside/) a runtime can run with `node`. */
export type LabScript = 'host.mjs' | 'client.mjs';

export interface Runtime {
  readonly kind: RuntimeKind;
  /** Replaces the lesson's files (dependencies and the lab scripts stay) with these (path → text). */
  mount(files: Record<string, string>): Promise<void>;
  writeFile(path: string, text: string): Promise<void>;
  readFile(path: string): Promise<string>;
  /** The workspace's files (relative paths, `/`-separated), without dependencies or lab scripts. */
  listFiles(): Promise<string[]>;
  spawn(command: string, args: string[]): Promise<RuntimeProcess>;
  /** The argument that names a lab script for `node` in this runtime (a path, or a name the runner resolves). */
  labScript(name: LabScript): string;
  /** Arguments the host gets after its script (`--portable` where IPC and `--require` are not assumed). */
  readonly hostArgs?: readonly string[];
  /** Where a port of the workspace can be shown (waits until the runtime knows it). */
  previewUrl(port: number): Promise<string>;
  /** Frees everything (processes, workspace). The object is unusable afterwards. */
  dispose(): Promise<void>;
}

/** Named boot steps, in the order they happen; the UI shows them in the learner's language. */
export const BOOT_STEPS = ['boot', 'dependencies', 'files', 'server', 'ready'] as const;
export type BootStep = (typeof BOOT_STEPS)[number];

/** A step started (progress 0), advanced, or finished (progress 1). */
export interface BootProgress {
  readonly step: BootStep;
  /** 0…1 */
  readonly progress: number;
}
export type BootListener = (progress: BootProgress) => void;

/** Message keys of runtime failures (locales/*.json hold the texts). */
export const RUNTIME_ERROR_KEYS = [
  'runtime.error.notIsolated',
  'runtime.error.bootTimeout',
  'runtime.error.bootFailed',
  'runtime.error.alreadyBooted',
  'runtime.error.dependenciesFailed',
  'runtime.error.dependenciesTimeout',
  'runtime.error.mountFailed',
  'runtime.error.badPath',
  'runtime.error.fileMissing',
  'runtime.error.aborted',
  'runtime.error.disposed',
  'runtime.error.runnerUnreachable',
  'runtime.error.runnerRefused',
  'runtime.error.runnerFailed',
  'runtime.error.runnerTimeout',
  'runtime.error.suspended',
  'runtime.error.tooManyPages',
  'runtime.error.tooManyProcesses',
  'runtime.error.fileTooLarge',
  'runtime.error.tooManyFiles',
  'runtime.error.hostStartTimeout',
  'runtime.error.hostExited',
  'runtime.error.commandTimeout',
  'runtime.error.serverCrashed',
  'runtime.error.serverStopped',
  'runtime.error.serverTimeout',
  'runtime.error.previewTimeout',
  'runtime.error.internal',
  'runtime.error.unknown',
] as const;
export type RuntimeErrorKey = (typeof RUNTIME_ERROR_KEYS)[number];

/** The values each message interpolates: whoever raises the error puts them in `detail` (a unit
 * test renders every message with these in every language and finds no empty placeholder). */
export const ERROR_VALUES: { readonly [K in RuntimeErrorKey]: readonly string[] } = {
  'runtime.error.notIsolated': [],
  'runtime.error.bootTimeout': ['seconds'],
  'runtime.error.bootFailed': [],
  'runtime.error.alreadyBooted': [],
  'runtime.error.dependenciesFailed': [],
  'runtime.error.dependenciesTimeout': ['seconds'],
  'runtime.error.mountFailed': [],
  'runtime.error.badPath': ['path'],
  'runtime.error.fileMissing': ['path'],
  'runtime.error.aborted': [],
  'runtime.error.disposed': [],
  'runtime.error.runnerUnreachable': [],
  'runtime.error.runnerRefused': [],
  'runtime.error.runnerFailed': [],
  'runtime.error.runnerTimeout': ['seconds'],
  'runtime.error.suspended': ['limit'],
  'runtime.error.tooManyPages': ['limit'],
  'runtime.error.tooManyProcesses': ['limit'],
  'runtime.error.fileTooLarge': ['kilobytes'],
  'runtime.error.tooManyFiles': ['limit'],
  'runtime.error.hostStartTimeout': ['seconds'],
  'runtime.error.hostExited': [],
  'runtime.error.commandTimeout': ['seconds'],
  'runtime.error.serverCrashed': [],
  'runtime.error.serverStopped': [],
  'runtime.error.serverTimeout': ['seconds'],
  'runtime.error.previewTimeout': ['seconds'],
  'runtime.error.internal': [],
  'runtime.error.unknown': [],
};

export interface RuntimeErrorOptions {
  /** The boot step that failed, when it was one. */
  readonly step?: BootStep | null;
  /** Values the localized message may interpolate (e.g. `{ seconds: 12 }`, `{ code: 1 }`). */
  readonly detail?: Readonly<Record<string, string | number | boolean | null>>;
  readonly cause?: unknown;
}

/** A typed runtime failure. `message` is for logs only; the UI shows `key`, localized. */
export class RuntimeError extends Error {
  readonly key: RuntimeErrorKey;
  readonly step: BootStep | null;
  readonly detail: Readonly<Record<string, string | number | boolean | null>>;

  constructor(key: RuntimeErrorKey, options: RuntimeErrorOptions = {}) {
    super(describe(key, options), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RuntimeError';
    this.key = key;
    this.step = options.step ?? null;
    this.detail = options.detail ?? {};
  }
}

function describe(key: RuntimeErrorKey, options: RuntimeErrorOptions): string {
  const step = options.step ? ` (step ${options.step})` : '';
  const cause = options.cause instanceof Error ? `: ${options.cause.message}` : '';
  return `${key}${step}${cause}`;
}

export function isRuntimeError(value: unknown): value is RuntimeError {
  return value instanceof RuntimeError;
}

/** The key to show for any failure: a RuntimeError's own key, else `runtime.error.unknown`. */
export function errorKey(error: unknown): RuntimeErrorKey {
  return isRuntimeError(error) ? error.key : 'runtime.error.unknown';
}

/** Unsubscribes a listener. */
export type Unsubscribe = () => void;
