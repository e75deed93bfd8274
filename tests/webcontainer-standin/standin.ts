// A stand-in for the hosted side of WebContainers, so the real `@webcontainer/api` (1.6.x) can be
// driven end to end here, where stackblitz.com cannot be reached. Test code only.
//
// How the package reaches its hosted side (read in node_modules/@webcontainer/api/dist): it puts a
// hidden iframe at `${globalThis.WEBCONTAINER_API_IFRAME_URL ?? 'https://stackblitz.com'}/headless
// ?coep=…&version=…` (internal/iframe-url.js; index.js `serverFactory`), waits for a message
// `{ type: 'init' }` from that origin carrying a MessagePort, and speaks Comlink over it: its
// vendored Comlink (vendor/index.js) uses NUMERIC message and wire-value types, which
// `comlink@4.2.0` speaks (4.3 and later use strings). The calls, in the order the package makes
// them: `build({ host, version, workdirName })` → an instance; `fs()`, `previewScript()`,
// `runtimeInfo()` (`{ path, cwd }`); then `loadFiles(bytes, { mountPoints })` (a JSON tree, see
// utils/file-system.js, or a binary snapshot), `run(options, stdout, stderr, output)` → a process
// (`onExit`, `write`, `kill`, `resize`), `on(event, listener)` → an unsubscribe function, fs calls
// (`readFile`, `writeFile`, `mkdir`, `readdir` with `withFileTypes` as `{ name, 'Symbol(type)' }`,
// `rm`, `rename`, `watch`), `teardown()`. Objects with methods go back through `Comlink.proxy`.
//
// This file is the Node side: it serves the /headless page (headless.js, the Comlink side in the
// browser) and runs what the page asks for as real Node processes in a temporary folder, one per
// `build`. The page talks to it over HTTP (calls) and Server-Sent Events (output, exits, ports).
// It also serves package-check.html, a cross-origin-isolated page at its own origin that loads
// the real package from node_modules, so a test can drive every call above directly
// (tests/e2e/webcontainer.test.ts, "the stand-in, driven by the real package directly").
//
// Modelled, and where each behaviour comes from:
// - The iframe, the Comlink protocol and every call above: the package's source (see above) and
//   its types (dist/index.d.ts: FileSystemAPI, WebContainerProcess, PortListener…).
// - A WebContainer lives in its iframe: when the iframe goes away (its event stream closes), every
//   process of its instance is killed and its folder removed. The package caches the iframe's
//   server (index.js `cachedServerPromise`), so a page whose iframe died cannot boot again.
// - stdout and stderr arrive merged in `output` (1.6.x passes no stdout/stderr listener; index.d.ts
//   documents `output` as the process's output; GOTCHAS, December).
// - A pseudo-terminal on every spawned process: output `\n` → `\r\n` (ONLCR); input `\r` → `\n`
//   (ICRNL: `\r\n` arrives as `\n\n`, stackblitz/webcontainer-core#1341); input is echoed (a pty's
//   default; lab/README.md already expects "a pty echoing input").
// - The output stream ends when the process ends (`output(null)` closes it: index.js
//   `binaryListener`/`streamWithPush`); `onExit` resolves with the exit code (128 + signal number
//   for a killed process).
// - `port` (`open`/`close`) and `server-ready` events when a server in the instance listens or
//   closes (index.d.ts PortListener, ServerReadyListener), seen by a small preload (kernel.cjs)
//   every process of the instance carries — the WebContainer's own network layer sees the same.
// - Preview URLs at another origin (and site) than the page: `http://localhost:<port>/` while the
//   course is opened on 127.0.0.1 (a real preview is `https://…webcontainer-api.io`), served with
//   COEP `require-corp` + CORP `cross-origin`; SameSite=Lax cookies are therefore not sent in it.
// - The file system API is rooted at the workdir (`/` is `/home/<workdirName>`, as the adapter's
//   `readdir('/')` expects); process arguments under the workdir map to the temporary folder.
// - Node 20: WebContainers run Node 20 unless `engines`/.nvmrc ask otherwise (GOTCHAS): the
//   processes run on a Node 20 found on this machine (STANDIN_NODE, else /usr/bin/node if it is
//   20), else on the Node running the tests (then `nodeVersion` says so).
// - `strict: true` (default off) takes away what no one has seen work in a WebContainer (issue 13,
//   point 4): `child_process.fork` gets no IPC channel and ignores `execArgv` (so `--require` is
//   not applied), and AsyncLocalStorage keeps its store only during the synchronous part of
//   `run()` — stricter than webcontainer-core#1169 (lost across `await`; timers keep it), so code
//   that works here works there.
//
// Not modelled, so nothing here proves it: the WebContainer's own Node (its module loader, its
// child_process, signals, its http stack, its timing) — here every process is this machine's real
// Node; its `npm`/`jsh` (any command but `node` exits 127 with "command not found"); process
// stdin/stdout being TTYs (here pipes carry the pty's translation); a pty's line-length limit;
// `setPreviewScript`, `export`/`serialize`, auth, `preview-message` and `code` events; the
// network proxying of a real WebContainer. Only a run on the real hosted side proves those.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, watch as fsWatch, type FSWatcher } from 'node:fs';
import { lstat, mkdir, mkdtemp, readFile, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { decodeMsgpack } from '../../scripts/snapshot.ts';
import { repoRoot } from '../../scripts/lib/course-server.ts';

const HERE = import.meta.dirname;
const COMLINK = join(repoRoot, 'node_modules', 'comlink', 'dist', 'esm', 'comlink.mjs');
const PACKAGE = join(repoRoot, 'node_modules', '@webcontainer', 'api', 'dist');

export interface StandInOptions {
  /** Take away IPC, `--require` through execArgv and AsyncLocalStorage across async work. */
  readonly strict?: boolean;
  /** Host name of the page's iframe and the previews (default `localhost`: another site than 127.0.0.1). */
  readonly hostname?: string;
}

export interface StandInStats {
  /** `/headless` documents served (one per iframe the package created). */
  headless: number;
  /** `build` calls (one per `WebContainer.boot()` that reached the stand-in). */
  builds: number;
  /** Instances alive now. */
  live: number;
  /** Every process started, by command line (workdir paths as the page gave them). */
  readonly runs: string[];
  /** `loadFiles` calls: `tree` or `snapshot`, and where. */
  readonly loads: string[];
}

export interface StandIn {
  /** Set as `WEBCONTAINER_API_IFRAME_URL`. */
  readonly url: string;
  readonly stats: StandInStats;
  /** The Node version the instance's processes run on. */
  readonly nodeVersion: string;
  close(): Promise<void>;
}

interface Proc {
  readonly child: ChildProcess;
  readonly pid: number;
  exited: boolean;
}

interface Instance {
  readonly id: string;
  readonly root: string;
  readonly workdir: string;
  readonly processes: Map<number, Proc>;
  readonly watchers: Map<number, FSWatcher>;
  readonly ports: Set<number>;
  events: ServerResponse | null;
  /** Events written before the page's stream opened. */
  readonly backlog: string[];
  closed: boolean;
}

export async function startStandIn(options: StandInOptions = {}): Promise<StandIn> {
  const hostname = options.hostname ?? 'localhost';
  const node = findNode20();
  const nodeVersion = execFileSync(node, ['-v'], { encoding: 'utf8' }).trim();
  const stats: StandInStats = { headless: 0, builds: 0, live: 0, runs: [], loads: [] };
  const instances = new Map<string, Instance>();
  const previews = new Map<number, { server: Server; port: number }>();
  let nextInstance = 0;
  let nextPid = 100;
  let nextWatcher = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: { message: String((error as Error)?.message ?? error) } });
      else res.end();
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const port = (server.address() as { port: number }).port;
  const origin = `http://${hostname}:${port}`;
  const kernelUrl = `http://127.0.0.1:${port}/kernel`;

  function emit(instance: Instance, event: Record<string, unknown>) {
    const line = `data: ${JSON.stringify(event)}\n\n`;
    if (instance.events) instance.events.write(line);
    else instance.backlog.push(line);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', origin);
    if (req.method === 'GET' && url.pathname === '/headless') {
      stats.headless += 1;
      return page(res, 'text/html; charset=utf-8', HEADLESS_HTML);
    }
    if (req.method === 'GET' && url.pathname === '/headless.js') return page(res, 'text/javascript; charset=utf-8', readFileSync(join(HERE, 'headless.js')));
    if (req.method === 'GET' && url.pathname === '/comlink.mjs') return page(res, 'text/javascript; charset=utf-8', readFileSync(COMLINK));
    // For the stand-in's own test: a cross-origin-isolated page that loads the real package.
    if (req.method === 'GET' && url.pathname === '/package-check.html') return isolated(res, 'text/html; charset=utf-8', readFileSync(join(HERE, 'package-check.html')));
    const pkg = /^\/package\/([\w/.-]+\.js)$/.exec(url.pathname);
    if (req.method === 'GET' && pkg && !pkg[1]!.includes('..')) {
      const file = join(PACKAGE, pkg[1]!);
      if (existsSync(file)) return isolated(res, 'text/javascript; charset=utf-8', readFileSync(file));
    }
    if (req.method === 'POST' && url.pathname === '/kernel') return kernel(req, res);
    if (req.method === 'POST' && url.pathname === '/api/build') {
      const body = (await json(req)) as { workdirName?: string };
      const instance = await build(body.workdirName);
      return send(res, 200, { id: instance.id, cwd: instance.workdir, path: '/usr/local/bin:/usr/bin:/bin' });
    }
    const match = /^\/api\/(\d+)\/([\w-]+)$/.exec(url.pathname);
    const instance = match ? instances.get(match[1]!) : undefined;
    if (!match || !instance || instance.closed) return send(res, 404, { error: { message: 'no such instance' } });
    const op = match[2]!;
    if (req.method === 'GET' && op === 'events') return events(instance, req, res);
    if (req.method !== 'POST') return send(res, 405, {});
    if (op === 'load') {
      const bytes = await body(req);
      await loadFiles(instance, bytes, url.searchParams.get('mountPoint'));
      return send(res, 200, {});
    }
    const args = (await json(req)) as Record<string, unknown>;
    try {
      return send(res, 200, { result: await call(instance, op, args) });
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      return send(res, 200, { error: { message: e.message, code: e.code ?? null } });
    }
  }

  async function build(workdirName = 'project'): Promise<Instance> {
    stats.builds += 1;
    const root = await mkdtemp(join(tmpdir(), 'session-lab-standin-'));
    const instance: Instance = {
      id: String(++nextInstance),
      root,
      workdir: `/home/${workdirName}`,
      processes: new Map(),
      watchers: new Map(),
      ports: new Set(),
      events: null,
      backlog: [],
      closed: false,
    };
    instances.set(instance.id, instance);
    stats.live += 1;
    return instance;
  }

  /** The page's event stream: while it is open the iframe is alive; when it closes, so is the instance. */
  function events(instance: Instance, req: IncomingMessage, res: ServerResponse) {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', ...CROSS_ORIGIN });
    res.write(': open\n\n');
    instance.events = res;
    for (const line of instance.backlog.splice(0)) res.write(line);
    req.on('close', () => void dispose(instance));
  }

  async function dispose(instance: Instance) {
    if (instance.closed) return;
    instance.closed = true;
    instance.events = null;
    stats.live -= 1;
    for (const watcher of instance.watchers.values()) watcher.close();
    const exits = [...instance.processes.values()].filter((p) => !p.exited).map((p) => killGroup(p));
    await Promise.all(exits);
    instances.delete(instance.id);
    await rm(instance.root, { recursive: true, force: true }).catch(() => {});
  }

  /** Maps a path of the instance (absolute under the workdir, `/` = the workdir, or relative) to the folder. */
  function real(instance: Instance, path: string): string {
    let inner = path;
    if (inner === instance.workdir || inner.startsWith(`${instance.workdir}/`)) inner = inner.slice(instance.workdir.length);
    const full = resolve(instance.root, `.${inner.startsWith('/') ? '' : '/'}${inner}`);
    if (full !== instance.root && !full.startsWith(instance.root + sep)) throw Object.assign(new Error(`EACCES: ${path}`), { code: 'EACCES' });
    return full;
  }

  /** A process argument that names a workdir path points into the folder; others stay. */
  const realArg = (instance: Instance, arg: string) =>
    arg === instance.workdir || arg.startsWith(`${instance.workdir}/`) ? real(instance, arg) : arg;

  async function call(instance: Instance, op: string, a: Record<string, unknown>): Promise<unknown> {
    const path = typeof a.path === 'string' ? real(instance, a.path) : instance.root;
    switch (op) {
      case 'readFile': {
        const data = await readFile(path);
        return a.encoding ? { text: data.toString('utf8') } : { base64: data.toString('base64') };
      }
      case 'writeFile':
        await writeFile(path, typeof a.base64 === 'string' ? Buffer.from(a.base64, 'base64') : String(a.text ?? ''));
        return null;
      case 'mkdir':
        return (await mkdir(path, { recursive: Boolean(a.recursive) })) ?? null;
      case 'readdir': {
        const entries = await readdir(path, { withFileTypes: true });
        return a.withFileTypes
          ? entries.map((e) => ({ name: e.name, 'Symbol(type)': e.isDirectory() ? 2 : e.isFile() ? 1 : 0 }))
          : entries.map((e) => e.name);
      }
      case 'rm':
        await rm(path, { recursive: Boolean(a.recursive), force: Boolean(a.force) });
        return null;
      case 'rename':
        await rename(path, real(instance, String(a.newPath)));
        return null;
      case 'watch': {
        const id = ++nextWatcher;
        const watcher = fsWatch(path, { recursive: Boolean(a.recursive) }, (event, filename) =>
          emit(instance, { t: 'watch', id, event, filename: filename ? String(filename) : '' }),
        );
        instance.watchers.set(id, watcher);
        return id;
      }
      case 'unwatch':
        instance.watchers.get(Number(a.id))?.close();
        instance.watchers.delete(Number(a.id));
        return null;
      case 'run':
        return run(instance, String(a.command), Array.isArray(a.args) ? a.args.map(String) : [], a);
      case 'input': {
        const proc = instance.processes.get(Number(a.pid));
        if (!proc || proc.exited) return null;
        // The pty: CR becomes NL on the way in (ICRNL), and what arrives is echoed (through ONLCR).
        const text = String(a.data ?? '').replace(/\r/g, '\n');
        emit(instance, { t: 'output', pid: proc.pid, data: onlcr(text) });
        proc.child.stdin?.write(text);
        return null;
      }
      case 'kill': {
        const proc = instance.processes.get(Number(a.pid));
        if (proc && !proc.exited) proc.child.kill('SIGTERM');
        return null;
      }
      case 'resize':
        return null;
      case 'teardown':
        void dispose(instance);
        return null;
      default:
        throw new Error(`unknown call: ${op}`);
    }
  }

  function run(instance: Instance, command: string, args: string[], o: Record<string, unknown>): number {
    const pid = ++nextPid;
    stats.runs.push([command, ...args].join(' '));
    if (command !== 'node') {
      // Only `node` is modelled; a WebContainer's shell would say this for an unknown command.
      setImmediate(() => {
        emit(instance, { t: 'output', pid, data: onlcr(`jsh: command not found: ${command}\n`) });
        emit(instance, { t: 'exit', pid, code: 127 });
      });
      return pid;
    }
    const env: Record<string, string> = {
      PATH: `${dirname(node)}:/usr/bin:/bin`,
      HOME: instance.root,
      NODE_OPTIONS: `--require ${join(HERE, 'kernel.cjs')}`,
      STANDIN_KERNEL: `${kernelUrl}?instance=${instance.id}`,
      ...(options.strict ? { STANDIN_STRICT: '1' } : {}),
    };
    for (const [key, value] of Object.entries((o.env as Record<string, unknown> | undefined) ?? {})) env[key] = String(value);
    const child = spawn(node, args.map((arg) => realArg(instance, arg)), {
      cwd: typeof o.cwd === 'string' ? real(instance, o.cwd) : instance.root,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true, // its own process group, so the instance's end reaches what it started
    });
    const proc: Proc = { child, pid, exited: false };
    instance.processes.set(pid, proc);
    child.stdin?.on('error', () => {});
    for (const stream of [child.stdout, child.stderr]) {
      const decoder = new StringDecoder('utf8');
      stream?.on('data', (chunk: Buffer) => {
        const text = decoder.write(chunk);
        if (text) emit(instance, { t: 'output', pid, data: onlcr(text) });
      });
    }
    child.on('error', (error) => emit(instance, { t: 'output', pid, data: onlcr(`${error.message}\n`) }));
    child.on('close', (code, signal) => {
      proc.exited = true;
      emit(instance, { t: 'exit', pid, code: code ?? 128 + signalNumber(signal) });
    });
    return pid;
  }

  function killGroup(proc: Proc): Promise<void> {
    return new Promise((done) => {
      if (proc.exited) return done();
      proc.child.once('close', () => done());
      try {
        process.kill(-proc.child.pid!, 'SIGKILL');
      } catch {
        proc.child.kill('SIGKILL');
      }
      setTimeout(done, 2_000).unref();
    });
  }

  /** loadFiles: a JSON tree (utils/file-system.js `toInternalFileSystemTree`) or a msgpack snapshot. */
  async function loadFiles(instance: Instance, bytes: Buffer, mountPoint: string | null) {
    const at = mountPoint ? real(instance, mountPoint) : instance.root;
    const isJson = bytes[0] === 0x7b; // '{'; a snapshot is a msgpack map (0x8n, 0xde, 0xdf)
    stats.loads.push(`${isJson ? 'tree' : 'snapshot'}:${mountPoint ?? '/'}`);
    const tree = isJson ? (JSON.parse(bytes.toString('utf8')) as unknown) : decodeMsgpack(bytes);
    await mkdir(at, { recursive: true });
    await writeTree(at, tree);
  }

  async function kernel(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', origin);
    const instance = instances.get(url.searchParams.get('instance') ?? '');
    const body = (await json(req)) as { port?: number; type?: 'open' | 'close' };
    res.writeHead(204).end();
    if (!instance || instance.closed || typeof body.port !== 'number') return;
    if (body.type === 'open') {
      const preview = await previewFor(body.port);
      instance.ports.add(body.port);
      emit(instance, { t: 'port', port: body.port, type: 'open', url: preview });
      emit(instance, { t: 'server-ready', port: body.port, url: preview });
    } else if (instance.ports.delete(body.port)) {
      emit(instance, { t: 'port', port: body.port, type: 'close', url: await previewFor(body.port) });
    }
  }

  /** One proxy per port, at another origin than the page. */
  async function previewFor(target: number): Promise<string> {
    let preview = previews.get(target);
    if (!preview) {
      const proxy = createServer((req, res) => {
        const upstream = httpRequest(
          { host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: { ...req.headers, host: `127.0.0.1:${target}` } },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'cross-origin-embedder-policy': 'require-corp', 'cross-origin-resource-policy': 'cross-origin' });
            answer.pipe(res);
          },
        );
        upstream.on('error', () => {
          if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain', ...CROSS_ORIGIN });
          res.end('no server on this port');
        });
        req.pipe(upstream);
      });
      await new Promise<void>((ready) => proxy.listen(0, '127.0.0.1', ready));
      preview = { server: proxy, port: (proxy.address() as { port: number }).port };
      previews.set(target, preview);
    }
    return `http://${hostname}:${preview.port}`;
  }

  return {
    url: origin,
    stats,
    nodeVersion,
    async close() {
      await Promise.all([...instances.values()].map((instance) => dispose(instance)));
      for (const { server: proxy } of previews.values()) {
        proxy.closeAllConnections();
        proxy.close();
      }
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

const CROSS_ORIGIN = { 'Cross-Origin-Resource-Policy': 'cross-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

function page(res: ServerResponse, type: string, content: string | Buffer) {
  res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store', ...CROSS_ORIGIN });
  res.end(content);
}

/** A document (and its scripts) that is cross-origin isolated, as a course page is. */
function isolated(res: ServerResponse, type: string, content: Buffer) {
  res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store', 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin' });
  res.end(content);
}

function send(res: ServerResponse, status: number, value: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...CROSS_ORIGIN });
  res.end(JSON.stringify(value));
}

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => done(Buffer.concat(chunks)));
    req.on('error', fail);
  });
}

async function json(req: IncomingMessage): Promise<unknown> {
  const bytes = await body(req);
  return bytes.length === 0 ? {} : JSON.parse(bytes.toString('utf8'));
}

/** A pty's output translation (ONLCR): every NL goes out as CR NL. */
const onlcr = (text: string) => text.replace(/\n/g, '\r\n');

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
const signalNumber = (signal: NodeJS.Signals | null) => (signal ? (SIGNALS[signal] ?? 1) : 0);

type Node = { d?: Record<string, Node>; f?: { c?: string | Uint8Array; b?: boolean; l?: string } };

async function writeTree(folder: string, tree: unknown) {
  const node = tree as Node;
  for (const [name, child] of Object.entries(node.d ?? {})) {
    const path = join(folder, name);
    if (child.d) {
      const stat = await lstat(path).catch(() => null);
      if (stat && !stat.isDirectory()) await rm(path, { recursive: true, force: true });
      await mkdir(path, { recursive: true });
      await writeTree(path, child);
    } else if (child.f?.l !== undefined) {
      await rm(path, { force: true, recursive: true });
      await symlink(child.f.l, path);
    } else if (child.f) {
      const c = child.f.c ?? '';
      await writeFile(path, typeof c === 'string' ? Buffer.from(c, child.f.b ? 'latin1' : 'utf8') : c);
    }
  }
}

/** A Node 20, the version a WebContainer runs by default; else the Node running the tests. */
function findNode20(): string {
  for (const candidate of [process.env.STANDIN_NODE, '/usr/bin/node', '/usr/local/bin/node']) {
    if (!candidate || !existsSync(candidate)) continue;
    try {
      if (execFileSync(candidate, ['-v'], { encoding: 'utf8' }).startsWith('v20.')) return candidate;
    } catch {
      // not a usable node
    }
  }
  return process.execPath;
}

// The iframe's document: its script is the Comlink side (headless.js).
const HEADLESS_HTML = `<!doctype html><meta charset="utf-8"><title>WebContainer stand-in</title>
<script type="module" src="/headless.js"></script>`;

