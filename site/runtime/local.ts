// The local runtime: the Runtime contract over the local runner's HTTP API (lab/README.md, "The
// local runner's HTTP API"), same origin as the course when it is served by `npm start`.
// fetch, WebSocket, sendBeacon and the page's lifecycle events are injected (tests pass fakes).
import { deadline, linkedController, timeoutError } from './deadline.ts';
import { normalizePath } from './paths.ts';
import { RuntimeError, isRuntimeError, type BootListener, type KeysWithValues, type LabScript, type Runtime, type RuntimeProcess } from './types.ts';
import { DEFAULT_RUNNER_TIMEOUT_MS, RUNNER_PREFIX, fetchRunnerToken, type RunnerConnection } from './runner-token.ts';
import type {
  OutputMessage,
  PreviewAnswer,
  RunnerErrorBody,
  RunnerErrorKey,
  SpawnAnswer,
  TreeAnswer,
  WorkspaceAnswer,
} from '../../lab/protocol/runner.ts';

export { DEFAULT_RUNNER_TIMEOUT_MS, RUNNER_PREFIX, fetchRunnerToken, type RunnerConnection } from './runner-token.ts';

/** What the output streams need of a WebSocket (the browser's, Node's, or a test's). */
export type WebSocketLike = Pick<WebSocket, 'onmessage' | 'onclose' | 'onerror' | 'close'>;
export type WebSocketFactory = new (url: string) => WebSocketLike;

/** A process's output stream that breaks is opened again where it stopped, this many times in a
 * row without a message before the process is given up (`runnerUnreachable`). */
const MAX_STREAM_RETRIES = 3;
/** The wait before the first reconnect (then twice, three times as long). */
const STREAM_RETRY_MS = 250;

export interface LocalRuntimeOptions extends RunnerConnection {
  readonly WebSocket?: WebSocketFactory;
  /** Default: `navigator.sendBeacon`. */
  readonly sendBeacon?: (url: string, data?: BodyInit | null) => boolean;
  /** Where `pagehide` is listened for (default: `globalThis`, the window). */
  readonly lifecycle?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
  /** Whether the page is shown, and where `visibilitychange` fires (default: `document`). The
   * runner suspends a hidden tab's workspace before a shown one's when it needs room. */
  readonly visibility?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> & { readonly visibilityState: string };
  /** A token already fetched (by `fetchRunnerToken`), saving a round trip. */
  readonly token?: string;
  /** The lesson's files, mounted once the workspace exists. */
  readonly files?: Readonly<Record<string, string>>;
  readonly onStep?: BootListener;
}

/** Connects to the runner, creates a workspace and mounts the lesson's files. */
export async function createLocalRuntime(options: LocalRuntimeOptions = {}): Promise<Runtime> {
  const base = options.base ?? '';
  const fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const WebSocketCtor = options.WebSocket ?? (globalThis.WebSocket as WebSocketFactory | undefined);
  const sendBeacon =
    options.sendBeacon ?? ((url: string, data?: BodyInit | null) => globalThis.navigator?.sendBeacon?.(url, data) ?? false);
  const lifecycle = options.lifecycle ?? (typeof globalThis.addEventListener === 'function' ? globalThis : undefined);
  const visibility = options.visibility ?? (typeof document === 'undefined' ? undefined : document);
  const ms = options.timeoutMs ?? DEFAULT_RUNNER_TIMEOUT_MS;
  const onStep = options.onStep;

  onStep?.({ step: 'boot', progress: 0 });
  const token = options.token ?? (await fetchRunnerToken({ ...options, fetch: fetchFn }));
  const api = runnerApi({ base, fetch: fetchFn, token, timeoutMs: ms });
  const { id } = (await api.json('POST', '/workspaces', undefined, options.signal)) as Partial<WorkspaceAnswer>;
  if (typeof id !== 'string') throw new RuntimeError('runtime.error.runnerFailed', { step: 'boot' });
  onStep?.({ step: 'boot', progress: 1 });
  // The runner's workspaces reach the installed dependencies: nothing to fetch.
  onStep?.({ step: 'dependencies', progress: 1 });

  const workspace = `/workspaces/${encodeURIComponent(id)}`;
  const streams = new Set<OutputSocket>();
  const previews = new Map<number, string>();
  let disposed = false;

  const onPageHide = () => {
    // The page is going away: say so while it still can. A beacon is a POST that cannot set
    // headers: the runner reads the token from its body.
    sendBeacon(`${base}${RUNNER_PREFIX}${workspace}/dispose`, JSON.stringify({ token }));
    markDisposed();
  };
  const onVisibility = () => {
    if (disposed) return;
    api.json('POST', `${workspace}/visibility`, { visible: visibility?.visibilityState === 'visible' }).catch(() => {});
  };
  const markDisposed = () => {
    disposed = true;
    lifecycle?.removeEventListener('pagehide', onPageHide);
    visibility?.removeEventListener('visibilitychange', onVisibility);
    for (const stream of streams) stream.close();
    streams.clear();
  };
  lifecycle?.addEventListener('pagehide', onPageHide);
  visibility?.addEventListener('visibilitychange', onVisibility);

  const alive = () => {
    if (disposed) throw new RuntimeError('runtime.error.disposed');
  };

  const runtime: Runtime = {
    kind: 'local',
    labScript: (name: LabScript) => name,
    async mount(files) {
      alive();
      await api.json('POST', `${workspace}/mount`, { files: normalizeFiles(files) });
    },
    async writeFile(path, text) {
      alive();
      await api.call('PUT', `${workspace}/files?path=${encodeURIComponent(normalizePath(path))}`, text);
    },
    async readFile(path) {
      alive();
      const file = normalizePath(path);
      try {
        return await (await api.call('GET', `${workspace}/files?path=${encodeURIComponent(file)}`)).text();
      } catch (error) {
        if (isRuntimeError(error) && error.detail.status === 404) {
          throw new RuntimeError('runtime.error.fileMissing', { detail: { path: file }, cause: error });
        }
        throw error;
      }
    },
    async listFiles() {
      alive();
      const { files } = (await api.json('GET', `${workspace}/tree`)) as Partial<TreeAnswer>;
      return Array.isArray(files) ? files.filter((file): file is string => typeof file === 'string') : [];
    },
    async spawn(command, args) {
      alive();
      if (!WebSocketCtor) throw new RuntimeError('runtime.error.runnerUnreachable', { detail: { reason: 'WebSocket' } });
      const { pid } = (await api.json('POST', `${workspace}/processes`, { command, args })) as SpawnAnswer;
      const path = `${workspace}/processes/${encodeURIComponent(String(pid))}`;
      const url = socketUrl(`${base}${RUNNER_PREFIX}${path}/output`);
      url.searchParams.set('token', token);
      const stream: OutputSocket = adaptOutputSocket((from) => {
        if (from !== null) url.searchParams.set('from', String(from));
        return new WebSocketCtor(url.href);
      }, () => streams.delete(stream));
      streams.add(stream);
      const { output, exit } = stream;
      const process: RuntimeProcess = {
        output,
        exit,
        async write(text) {
          alive();
          await api.call('POST', `${path}/input`, text);
        },
        kill() {
          if (disposed) return;
          api.call('DELETE', path).catch(() => {});
        },
      };
      return process;
    },
    async previewUrl(port) {
      alive();
      const known = previews.get(port);
      if (known !== undefined) return known;
      const { url } = (await api.json('POST', `${workspace}/preview`, { port })) as Partial<PreviewAnswer>;
      if (typeof url !== 'string') throw new RuntimeError('runtime.error.runnerFailed', { detail: { reason: 'preview' } });
      previews.set(port, url);
      return url;
    },
    async dispose() {
      if (disposed) return;
      markDisposed();
      await api.call('DELETE', workspace).catch(() => {});
    },
  };

  if (options.files) {
    onStep?.({ step: 'files', progress: 0 });
    try {
      await runtime.mount(options.files);
    } catch (error) {
      await runtime.dispose();
      throw error;
    }
    onStep?.({ step: 'files', progress: 1 });
  }
  return runtime;
}

function normalizeFiles(files: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, text] of Object.entries(files)) out[normalizePath(path)] = text;
  return out;
}

interface RunnerApiOptions {
  readonly base: string;
  readonly fetch: typeof fetch;
  readonly token: string;
  readonly timeoutMs: number;
}

/** Authenticated calls under /__runner/, with a timeout each and typed errors. */
function runnerApi({ base, fetch: fetchFn, token, timeoutMs }: RunnerApiOptions) {
  const call = async (method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> => {
    const { controller, release } = linkedController(signal);
    const headers: Record<string, string> = { 'X-Runner-Token': token };
    let payload: string | undefined;
    if (typeof body === 'string') {
      headers['Content-Type'] = 'text/plain; charset=utf-8';
      payload = body;
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    try {
      const response = await deadline(
        fetchFn(`${base}${RUNNER_PREFIX}${path}`, {
          method,
          headers,
          credentials: 'same-origin',
          signal: controller.signal,
          ...(payload === undefined ? {} : { body: payload }),
        }),
        { ms: timeoutMs, timeout: timeoutError('runtime.error.runnerTimeout', timeoutMs), signal },
      ).catch((error: unknown) => {
        throw isRuntimeError(error) ? error : new RuntimeError('runtime.error.runnerUnreachable', { cause: error });
      });
      if (!response.ok) throw await runnerError(response);
      return response;
    } catch (error) {
      controller.abort();
      throw error;
    } finally {
      release();
    }
  };
  return {
    call,
    async json(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<unknown> {
      const response = await call(method, path, body, signal);
      try {
        return await response.json();
      } catch (error) {
        throw new RuntimeError('runtime.error.runnerFailed', { cause: error, detail: { status: response.status } });
      }
    },
  };
}

/**
 * How each runner refusal reads for the learner: a message of its own, with the number the runner
 * names (a limit it reached), or null — said by its status (403: the runner refused, anything else:
 * it failed). Every key of the protocol is here: a new one does not compile until it is placed.
 */
const RUNNER_KEYS = {
  workspaceSuspended: 'runtime.error.suspended',
  tooManyWorkspaces: 'runtime.error.tooManyPages',
  tooManyProcesses: 'runtime.error.tooManyProcesses',
  tooManyFiles: 'runtime.error.tooManyFiles',
  fileTooLarge: 'runtime.error.fileTooLarge',
  bodyTooLarge: 'runtime.error.fileTooLarge',
  forbiddenHost: null,
  forbiddenOrigin: null,
  forbiddenFetchSite: null,
  missingToken: null,
  badToken: null,
  pathOutside: null,
  pathInNodeModules: null,
  commandNotAllowed: null,
  nodeFlagNotAllowed: null,
  scriptNotAllowed: null,
  portNotReported: null,
  badJson: null,
  badPath: null,
  badMount: null,
  badSpawn: null,
  badPort: null,
  notAFile: null,
  badUpgrade: null,
  notFound: null,
  workspaceNotFound: null,
  processNotFound: null,
  fileNotFound: null,
  methodNotAllowed: null,
  processExited: null,
  isDirectory: null,
  pathConflict: null,
  upgradeRequired: null,
  labScriptMissing: null,
  spawnFailed: null,
  writeFailed: null,
  internalError: null,
  inputBacklog: null,
  runnerClosed: null,
} as const satisfies Record<RunnerErrorKey, KeysWithValues<'limit'> | KeysWithValues<'kilobytes'> | null>;

const isRunnerKey = (key: string): key is RunnerErrorKey => Object.hasOwn(RUNNER_KEYS, key);

async function runnerError(response: Response): Promise<RuntimeError> {
  let runnerKey: string | null = null;
  let message: string | null = null;
  let limit: number | null = null;
  try {
    const { error } = (await response.json()) as Partial<RunnerErrorBody>;
    if (typeof error?.key === 'string') runnerKey = error.key;
    if (typeof error?.message === 'string') message = error.message;
    if (typeof error?.limit === 'number') limit = error.limit;
  } catch {
    // not JSON: the status says enough
  }
  const known = runnerKey !== null && isRunnerKey(runnerKey) ? RUNNER_KEYS[runnerKey] : null;
  // The number a limit message names: file sizes in KB, the rest as they come.
  if (known === 'runtime.error.fileTooLarge') return new RuntimeError(known, { detail: { kilobytes: limit === null ? null : Math.floor(limit / 1024), runnerKey } });
  if (known !== null) return new RuntimeError(known, { detail: { limit, runnerKey } });
  const key = response.status === 403 ? 'runtime.error.runnerRefused' : 'runtime.error.runnerFailed';
  return new RuntimeError(key, { detail: { status: response.status, runnerKey, message } });
}

/** Every field name of a union's members. */
type FieldOf<U> = U extends unknown ? keyof U : never;

const SIGNAL_CODES: Readonly<Record<string, number>> = { SIGINT: 130, SIGKILL: 137, SIGTERM: 143 };

/** A URL of the runner as a WebSocket address (ws: for http:, wss: for https:). */
function socketUrl(path: string): URL {
  const url = new URL(path, globalThis.location?.href ?? 'http://localhost/');
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url;
}

/** A process's output as the runner streams it: its text, its exit, and a way to stop reading. */
export interface OutputSocket {
  readonly output: ReadableStream<string>;
  /** The exit code; rejects with `suspended` (the runner made room for another tab) or
   * `runnerUnreachable` (the stream could not be opened again). */
  readonly exit: Promise<number>;
  close(): void;
}

/**
 * The runner's output messages (`chunk`s, then one `exit`) over a WebSocket, as a text stream and
 * an exit code. A connection that breaks before the exit is opened again (`connect(from)`, from
 * the last offset seen, so nothing is lost or repeated), a few times in a row at most.
 */
export function adaptOutputSocket(connect: (from: number | null) => WebSocketLike, onClosed: () => void = () => {}): OutputSocket {
  let resolveExit!: (code: number) => void;
  let rejectExit!: (error: Error) => void;
  const exit = new Promise<number>((resolve, reject) => {
    resolveExit = resolve;
    rejectExit = reject;
  });
  exit.catch(() => {}); // a caller that ignores the exit must not see an unhandled rejection
  let controller!: ReadableStreamDefaultController<string>;
  const output = new ReadableStream<string>({
    start(c) {
      controller = c;
    },
    cancel() {
      // The reader no longer wants the output; the exit still comes when the runner says so.
    },
  });
  let finished = false;
  let lastId: number | null = null;
  let retries = 0;
  let socket: WebSocketLike | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const finish = () => {
    finished = true;
    if (timer !== null) clearTimeout(timer);
    if (socket) {
      socket.onmessage = null;
      socket.onclose = null;
      socket.onerror = null;
      socket.close();
    }
    onClosed();
    // Close (not error) the output: what arrived stays readable; the exit says what happened.
    controller.close();
  };
  const onMessage = (event: MessageEvent) => {
    retries = 0;
    // An OutputMessage (lab/protocol/runner.ts), each field checked before it is used.
    let message: { [K in FieldOf<OutputMessage>]?: unknown };
    try {
      message = JSON.parse(String(event.data)) as typeof message;
    } catch {
      return;
    }
    // `notice` messages (outputTruncated) have no place in a text stream: a frame cut by the
    // truncation becomes a line the frame reader ignores.
    if (message.t === 'chunk' && typeof message.data === 'string') {
      if (typeof message.id === 'number') lastId = message.id;
      controller.enqueue(message.data);
    } else if (message.t === 'exit') {
      finish();
      if (message.reason === 'suspended') {
        // The runner made room for another tab: the runtime is gone, not the process's own end.
        const limit = typeof message.limit === 'number' ? message.limit : null;
        rejectExit(new RuntimeError('runtime.error.suspended', { detail: { limit } }));
        return;
      }
      const code =
        typeof message.code === 'number'
          ? message.code
          : typeof message.signal === 'string'
            ? (SIGNAL_CODES[message.signal] ?? 1)
            : 1;
      resolveExit(code);
    }
  };
  const onBroken = () => {
    if (finished) return;
    socket = null;
    retries += 1;
    if (retries > MAX_STREAM_RETRIES) {
      finish();
      rejectExit(new RuntimeError('runtime.error.runnerUnreachable', { detail: { reason: 'output' } }));
      return;
    }
    timer = setTimeout(open, STREAM_RETRY_MS * retries);
  };
  const open = () => {
    timer = null;
    if (finished) return;
    try {
      socket = connect(lastId);
    } catch {
      onBroken();
      return;
    }
    socket.onmessage = onMessage;
    socket.onclose = onBroken;
    socket.onerror = () => {}; // a close always follows
  };
  open();

  return {
    output,
    exit,
    close() {
      if (!finished) finish();
    },
  };
}
