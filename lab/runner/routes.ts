// The runner's HTTP API under /__runner/ (see lab/README.md). Every request passes the guard
// first (Host, Origin, Sec-Fetch-Site, then the token), so a refused request touches nothing —
// the output streams' WebSocket upgrades included.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { RunnerError, badRequest, notFound, overLimit, refuse } from './errors.ts';
import type { Guard } from './guard.ts';
import { asRunnerError, isObject, readBody, readJson, sendJson, sendText } from './http.ts';
import type { Limits } from './limits.ts';
import { planSpawn, startProcess, type ManagedProcess } from './processes.ts';
import { startPreviewProxy } from './preview-proxy.ts';
import type { Registry, WorkspaceEntry } from './registry.ts';
import { resumeOffset, streamOutput } from './output-stream.ts';
import { nextMarker } from './tree.ts';
import { acceptWebSocket, refuseUpgrade, wantsWebSocket } from './websocket.ts';
import { parseMount } from './workspace.ts';

import {
  RUNNER_PREFIX,
  type EmptyAnswer,
  type PreviewAnswer,
  type SpawnAnswer,
  type StatusAnswer,
  type TokenAnswer,
  type TreeAnswer,
  type WorkspaceAnswer,
} from '../protocol/runner.ts';

export interface RouteContext {
  port: number;
  labDir: string;
  lifeline: string;
  limits: Limits;
  guard: Guard;
  registry: Registry;
}

type Handler = (req: IncomingMessage, res: ServerResponse, params: Params) => Promise<void>;
interface Params {
  url: URL;
  id?: string;
  pid?: string;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const PID = /^[1-9][0-9]{0,9}$/;
/** The beacon's body is only a token: never read more than this before the token is checked. */
const MAX_BEACON_BYTES = 1024;

export interface Router {
  /** An ordinary request under /__runner/. */
  request(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
  /** An upgrade request under /__runner/: a process's output stream (WebSocket), or a refusal. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void;
}

const OUTPUT = /^\/__runner\/workspaces\/([A-Za-z0-9_-]{1,64})\/processes\/([1-9][0-9]{0,9})\/output$/;

export function createRouter(ctx: RouteContext): Router {
  const { guard, registry, limits } = ctx;

  const workspace = (params: Params): WorkspaceEntry => registry.get(params.id!);
  const processOf = (entry: WorkspaceEntry, params: Params): ManagedProcess => {
    const proc = entry.processes.get(Number(params.pid));
    if (!proc) throw notFound('processNotFound', 'no such process in this workspace');
    return proc;
  };

  const dispose: Handler = async (_req, res, params) => {
    const entry = workspace(params);
    await registry.dispose(entry);
    sendJson(res, 200, {} satisfies EmptyAnswer);
  };

  // [path pattern, { METHOD: handler }]; ':id' and ':pid' are path parameters.
  const routes: [string[], Record<string, Handler>][] = [
    [['status'], {
      GET: async (_req, res) => sendJson(res, 200, registry.status() satisfies StatusAnswer),
    }],
    [['workspaces'], {
      POST: async (_req, res) => {
        const entry = await registry.create();
        sendJson(res, 201, { id: entry.id } satisfies WorkspaceAnswer);
      },
    }],
    [['workspaces', ':id'], { DELETE: dispose }],
    [['workspaces', ':id', 'visibility'], {
      POST: async (req, res, params) => {
        const entry = workspace(params);
        const body = await readJson(req, limits.maxBodyBytes);
        if (!isObject(body) || typeof body.visible !== 'boolean') throw badRequest('badJson', 'the body must be { visible: boolean }');
        registry.setVisible(entry, body.visible);
        sendJson(res, 200, {} satisfies EmptyAnswer);
      },
    }],
    [['workspaces', ':id', 'dispose'], { POST: dispose }],
    [['workspaces', ':id', 'mount'], {
      POST: async (req, res, params) => {
        const entry = workspace(params);
        const files = parseMount(await readJson(req, limits.maxBodyBytes), limits);
        await entry.files.mount(files);
        sendJson(res, 200, {} satisfies EmptyAnswer);
      },
    }],
    [['workspaces', ':id', 'files'], {
      GET: async (_req, res, params) => {
        const entry = workspace(params);
        sendText(res, 200, await entry.files.read(params.url.searchParams.get('path') ?? ''));
      },
      PUT: async (req, res, params) => {
        const entry = workspace(params);
        const path = params.url.searchParams.get('path') ?? '';
        // Validate the path before reading the body: a refusal reads and writes nothing.
        await entry.files.checkWritable(path);
        let body: Buffer;
        try {
          body = await readBody(req, Math.min(limits.maxFileBytes, limits.maxBodyBytes));
        } catch (e) {
          if (e instanceof RunnerError && e.status === 413) {
            throw overLimit(413, 'fileTooLarge', `the file is larger than ${limits.maxFileBytes} bytes`, limits.maxFileBytes);
          }
          throw e;
        }
        await entry.files.write(path, body);
        sendJson(res, 200, {} satisfies EmptyAnswer);
      },
    }],
    [['workspaces', ':id', 'tree'], {
      GET: async (_req, res, params) => {
        const { files, truncated } = await workspace(params).files.tree();
        sendJson(res, 200, (truncated ? { files, truncated } : { files }) satisfies TreeAnswer);
      },
    }],
    [['workspaces', ':id', 'processes'], {
      POST: async (req, res, params) => {
        const entry = workspace(params);
        const plan = await planSpawn(await readJson(req, limits.maxBodyBytes), ctx.labDir, entry.files.dir);
        if (entry.disposed) throw notFound('workspaceNotFound', 'the workspace was disposed');
        const alive = [...entry.processes.values()].filter((p) => p.alive).length;
        if (alive >= limits.maxProcessesPerWorkspace) {
          throw overLimit(429, 'tooManyProcesses', `at most ${limits.maxProcessesPerWorkspace} processes per workspace`, limits.maxProcessesPerWorkspace);
        }
        const proc = startProcess(plan, {
          cwd: entry.files.dir,
          limits,
          lifeline: ctx.lifeline,
          onListening: (port) => registry.learnPort(entry, port),
          marker: nextMarker(entry.tree),
        });
        registry.addProcess(entry, proc);
        sendJson(res, 201, { pid: proc.pid } satisfies SpawnAnswer);
      },
    }],
    [['workspaces', ':id', 'processes', ':pid'], {
      DELETE: async (_req, res, params) => {
        const proc = processOf(workspace(params), params);
        await proc.kill();
        sendJson(res, 200, {} satisfies EmptyAnswer);
      },
    }],
    [['workspaces', ':id', 'processes', ':pid', 'output'], {
      GET: async () => {
        // Only as a WebSocket (see upgrade below).
        throw new RunnerError(426, 'upgradeRequired', 'the output stream is a WebSocket');
      },
    }],
    [['workspaces', ':id', 'processes', ':pid', 'input'], {
      POST: async (req, res, params) => {
        const proc = processOf(workspace(params), params);
        if (!proc.alive) throw new RunnerError(409, 'processExited', 'the process has exited');
        proc.writeInput(await readBody(req, limits.maxBodyBytes));
        sendJson(res, 200, {} satisfies EmptyAnswer);
      },
    }],
    [['workspaces', ':id', 'preview'], {
      POST: async (req, res, params) => {
        const entry = workspace(params);
        const body = await readJson(req, limits.maxBodyBytes);
        const port = isObject(body) ? body.port : undefined;
        if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
          throw badRequest('badPort', 'the body must be { port } with a TCP port');
        }
        if (!entry.ports.has(port) || port === ctx.port) {
          throw refuse('portNotReported', `no lesson server of this workspace reported listening on port ${port}`);
        }
        let proxy = entry.previews.get(port);
        if (!proxy) {
          proxy = startPreviewProxy(port);
          entry.previews.set(port, proxy);
          proxy.catch(() => entry.previews.delete(port));
        }
        const { port: proxyPort, close } = await proxy;
        if (entry.disposed) {
          await close();
          throw notFound('workspaceNotFound', 'the workspace was disposed');
        }
        // The same host name as the page: 127.0.0.1 and localhost are different sites for cookies.
        const hostname = (req.headers.host ?? '').toLowerCase().startsWith('localhost:') ? 'localhost' : '127.0.0.1';
        sendJson(res, 200, { url: `http://${hostname}:${proxyPort}/` } satisfies PreviewAnswer);
      },
    }],
  ];

  const match = (segments: string[]): { methods: Record<string, Handler>; params: Omit<Params, 'url'> } | null => {
    for (const [pattern, methods] of routes) {
      if (pattern.length !== segments.length) continue;
      const params: Omit<Params, 'url'> = {};
      let ok = true;
      for (let i = 0; i < pattern.length && ok; i++) {
        const p = pattern[i]!;
        const s = segments[i]!;
        if (p === ':id') ok = ID.test(s) && ((params.id = s), true);
        else if (p === ':pid') ok = PID.test(s) && ((params.pid = s), true);
        else ok = p === s;
      }
      if (ok) return { methods, params };
    }
    return null;
  };

  const request = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    guard.checkSource(req);
    const method = req.method ?? 'GET';
    if (url.pathname === `${RUNNER_PREFIX}/token`) {
      if (method !== 'GET') throw new RunnerError(405, 'methodNotAllowed', 'use GET', { allow: 'GET' });
      guard.checkTokenFetch(req);
      sendJson(res, 200, { token: guard.token } satisfies TokenAnswer);
      return;
    }
    const segments = url.pathname.slice(RUNNER_PREFIX.length + 1).split('/');
    const found = match(segments);
    const last = segments.at(-1);
    if (found && method === 'POST' && last === 'dispose' && req.headers['x-runner-token'] === undefined) {
      // navigator.sendBeacon cannot set headers: its body carries the token instead.
      const body = await readBody(req, MAX_BEACON_BYTES).catch(() => Buffer.alloc(0));
      guard.checkToken(req, beaconToken(body));
    } else {
      guard.checkToken(req);
    }
    if (!found) throw notFound('notFound', `no runner route ${url.pathname}`);
    const handler = found.methods[method];
    if (!handler) {
      const allow = Object.keys(found.methods).join(', ');
      throw new RunnerError(405, 'methodNotAllowed', `use ${allow}`, { allow });
    }
    await handler(req, res, { url, ...found.params });
  };

  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) => {
    socket.on('error', () => undefined);
    try {
      guard.checkSource(req);
      guard.checkToken(req, url.searchParams.get('token'));
      const match = OUTPUT.exec(url.pathname);
      if (!match || !wantsWebSocket(req)) throw notFound('notFound', `no runner stream at ${url.pathname}`);
      const entry = registry.get(match[1]!);
      const proc = processOf(entry, { url, pid: match[2]! });
      const connection = acceptWebSocket(req, socket, head);
      if (!connection) return;
      registry.streamOpened(entry);
      streamOutput(connection, proc.log, {
        from: resumeOffset(url.searchParams.get('from')),
        heartbeatMs: limits.heartbeatMs,
        onClose: (byPage) => registry.streamClosed(entry, byPage),
        exitNote: () => (entry.suspended ? { reason: 'suspended', limit: limits.maxWorkspaces } : {}),
      });
    } catch (error) {
      const e = asRunnerError(error);
      refuseUpgrade(socket, e.status, e.body());
    }
  };

  return { request, upgrade };
}

/** The token in a beacon body: `{"token":"…"}`, `token=…`, or the bare token. */
function beaconToken(body: Buffer): string | null {
  const text = body.toString('utf8').trim();
  if (!text) return null;
  if (text.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      return isObject(parsed) && typeof parsed.token === 'string' ? parsed.token : null;
    } catch {
      return null;
    }
  }
  if (text.startsWith('token=')) return new URLSearchParams(text).get('token');
  return text;
}
