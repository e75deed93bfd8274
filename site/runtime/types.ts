// The runtime contract: the one small interface both runtimes implement — a WebContainer in the
// learner's browser, or the local runner started by `npm start`. Everything above it (the host
// client, the workbench) is shared. No UI text here: errors and reasons are message keys that the
// UI localizes.
import type { LabScript } from '../../lab/protocol/runner.ts';

export type { LabScript };

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

/** Every runtime failure's message key (locales/*.json hold the texts) and the values its message
 * interpolates: whoever raises the error must give them in `detail` (the constructor's type asks
 * for them; a unit test renders every message with them in every language). */
export const ERROR_VALUES = {
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
} as const satisfies Record<`runtime.error.${string}`, readonly string[]>;
export type RuntimeErrorKey = keyof typeof ERROR_VALUES;
/** Message keys of runtime failures, in ERROR_VALUES's order. */
export const RUNTIME_ERROR_KEYS = Object.keys(ERROR_VALUES) as RuntimeErrorKey[];

/** A value a message may interpolate (or that is kept for the logs). */
export type DetailValue = string | number | boolean | null;
/** The names of the values `K`'s message interpolates. */
export type ValueNames<K extends RuntimeErrorKey> = (typeof ERROR_VALUES)[K][number];
/** `K`'s values (all of them), and anything else worth keeping for the logs. */
export type ErrorDetail<K extends RuntimeErrorKey> = { readonly [N in ValueNames<K>]: DetailValue } & { readonly [extra: string]: DetailValue };
/** The keys whose message names exactly these values (e.g. every `{{seconds}}` timeout). */
export type KeysWithValues<N extends string> = { [K in RuntimeErrorKey]: [ValueNames<K>] extends [N] ? ([N] extends [ValueNames<K>] ? K : never) : never }[RuntimeErrorKey];

export interface RuntimeErrorOptions<K extends RuntimeErrorKey = RuntimeErrorKey> {
  /** The boot step that failed, when it was one. */
  readonly step?: BootStep | null;
  /** The values the localized message interpolates (e.g. `{ seconds: 12 }`), and more for the logs. */
  readonly detail?: ErrorDetail<K>;
  readonly cause?: unknown;
}

/** The constructor's options for `K`: required, with `detail`, when its message names values. */
type OptionsArgs<K extends RuntimeErrorKey> = K extends RuntimeErrorKey
  ? [ValueNames<K>] extends [never]
    ? [options?: RuntimeErrorOptions<K>]
    : [options: RuntimeErrorOptions<K> & { readonly detail: ErrorDetail<K> }]
  : never;

/** A typed runtime failure. `message` is for logs only; the UI shows `key`, localized. */
export class RuntimeError<K extends RuntimeErrorKey = RuntimeErrorKey> extends Error {
  readonly key: K;
  readonly step: BootStep | null;
  readonly detail: Readonly<Record<string, DetailValue>>;

  constructor(key: K, ...[given]: OptionsArgs<K>) {
    const options: LooseOptions = given ?? {};
    super(describe(key, options), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RuntimeError';
    this.key = key;
    this.step = options.step ?? null;
    this.detail = options.detail ?? {};
  }
}

/** The options as the class keeps them (their values checked by the constructor's type). */
interface LooseOptions {
  readonly step?: BootStep | null;
  readonly detail?: Readonly<Record<string, DetailValue>>;
  readonly cause?: unknown;
}

function describe(key: RuntimeErrorKey, options: LooseOptions): string {
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
