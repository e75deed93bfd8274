// The local runner: the runtime contract (workspaces, files, node processes, output, previews)
// over HTTP + WebSocket under /__runner/, mounted by the course server (lab/server). It runs the
// learner's code as the learner, so it is guarded: see guard.ts, paths.ts, processes.ts and
// lab/README.md. All state lives in the object createRunner returns.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { tmpdir } from 'node:os';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunnerError } from './errors.ts';
import { createGuard } from './guard.ts';
import { sendError } from './http.ts';
import { resolveLimits, type Limits } from './limits.ts';
import { createRegistry } from './registry.ts';
import { RUNNER_PREFIX } from '../protocol/runner.ts';
import { createRouter } from './routes.ts';

export type { Limits } from './limits.ts';
export { DEFAULT_LIMITS } from './limits.ts';

export interface RunnerOptions {
  /** The port the course server listens on (127.0.0.1); Host and Origin must name it. */
  port: number;
  /** Absolute path of the folder holding the lab scripts (lab/inside). */
  labDir: string;
  /** Absolute path of a node_modules folder holding the lesson dependencies. */
  depsDir: string;
  limits?: Partial<Limits>;
  /** Where workspaces are created (default: the OS temporary folder). */
  tmpRoot?: string;
}

export interface Runner {
  /** This start's token (what GET /__runner/token answers). */
  readonly token: string;
  /** Takes the request when its path is under /__runner/ (and answers it); false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Takes an upgrade request (the server's `upgrade` event) when its path is under /__runner/:
   * a process's output stream as a WebSocket, or a refusal. False otherwise (the caller drops it). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Kills every child, closes preview proxies, removes workspaces. Idempotent. */
  close(): Promise<void>;
}

const LIFELINE = fileURLToPath(new URL('./lifeline.cjs', import.meta.url));

export function createRunner(options: RunnerOptions): Runner {
  const { port, labDir, depsDir } = options;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new TypeError('createRunner: port must be a TCP port');
  for (const [name, value] of [['labDir', labDir], ['depsDir', depsDir]] as const) {
    if (typeof value !== 'string' || !isAbsolute(value)) throw new TypeError(`createRunner: ${name} must be an absolute path`);
  }
  const limits = resolveLimits(options.limits);
  /** The request's URL when its path is the runner's, else null. */
  const runnerUrl = (req: IncomingMessage): URL | null => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://runner.invalid');
    } catch {
      return null;
    }
    return url.pathname === RUNNER_PREFIX || url.pathname.startsWith(`${RUNNER_PREFIX}/`) ? url : null;
  };
  const guard = createGuard(port);
  const registry = createRegistry({ tmpRoot: options.tmpRoot ?? tmpdir(), depsDir, limits });
  const route = createRouter({ port, labDir, lifeline: LIFELINE, limits, guard, registry });

  let closing: Promise<void> | null = null;
  // The runner's process is exiting without close() (an uncaught error, process.exit): no async
  // work is possible any more, so SIGKILL what is left and remove the folders synchronously.
  const onExit = () => registry.killAllNow();
  process.on('exit', onExit);

  return {
    token: guard.token,
    handle(req, res) {
      const url = runnerUrl(req);
      if (!url) return false;
      if (closing) {
        sendError(res, new RunnerError(503, 'runnerClosed', 'the runner is shutting down'));
        return true;
      }
      route.request(req, res, url).catch((error: unknown) => {
        if (res.headersSent) res.destroy();
        else sendError(res, error);
      });
      return true;
    },
    handleUpgrade(req, socket, head) {
      const url = runnerUrl(req);
      if (!url) return false;
      if (closing) socket.destroy();
      else route.upgrade(req, socket, head, url);
      return true;
    },
    close() {
      closing ??= (async () => {
        try {
          await registry.disposeAll();
        } finally {
          process.off('exit', onExit);
        }
      })();
      return closing;
    },
  };
}
