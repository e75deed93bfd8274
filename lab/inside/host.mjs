// @ts-check
// The host: the one process a runtime spawns (in the workspace root). It reads commands as JSON
// lines on stdin and writes frames on stdout (`\x1e` + JSON + `\n`), so the learner's terminal
// output and the probe's events travel apart. It supervises the lesson servers and makes sure
// none outlives it. The protocol is in lab/README.md.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { Instance, hostError, killAllRunsNow } from './instance.mjs';
import { createBrowsers } from './client.mjs';
import { runChecks } from './checks.mjs';
import { Standby } from './standby.mjs';
import { ProbeChannel } from './probe-channel.mjs';
import { selfTest } from './self-test.mjs';
import { restoreLabPackages } from './lab-packages.mjs';

/** @import { Command, CommandMap, HostFrame, Op } from '../protocol/host.ts' */
/** @import { Hop, RequestResult } from '../protocol/requests.ts' */

/** @type {typeof import('../protocol/host.ts').HOST_PROTOCOL_VERSION} */
const VERSION = 1;
/** @type {typeof import('../protocol/host.ts').FRAME_START} */
const FRAME_START = '\x1e';
/** @type {typeof import('../protocol/host.ts').DEFAULT_INSTANCE} */
const DEFAULT_INSTANCE = 'main';
const here = dirname(fileURLToPath(import.meta.url));
const probePath = join(here, 'probe.cjs');
const cwd = process.cwd();
const RESTART_LISTEN_MS = 10_000;
// --portable (a WebContainer): lesson servers start through launch.cjs, with the probe loaded
// in-process and reporting over localhost HTTP — no IPC, no `--require`, no warm standby
// (Module.runMain, IPC): only what every WebContainer demonstrably supports.
const portable = process.argv.includes('--portable');
const channel = portable ? new ProbeChannel() : null;
const launch = channel ? { channel, path: join(here, 'launch.cjs') } : null;
// SESSION_LAB_COLD_START=1 turns the warm process off (every start forks Node afresh).
const standby =
  portable || process.env.SESSION_LAB_COLD_START === '1' ? null : new Standby({ cwd, probePath, warmPath: join(here, 'warm.cjs') });

/** @param {HostFrame} frame */
function emit(frame) {
  try {
    process.stdout.write(`${FRAME_START}${JSON.stringify(frame)}\n`);
  } catch {
    // stdout is gone: the shutdown below follows
  }
}

/** @type {Map<string, Instance>} */
const instances = new Map();
const browsers = createBrowsers(); // the learner's, shown in the request panel
const checkBrowsers = createBrowsers(); // the checks', emptied before each check
/** @type {Map<string, Promise<unknown>>} checks of one instance run one at a time */
const checkQueues = new Map();

/** @param {unknown} name */
function instanceName(name) {
  const n = name === undefined ? DEFAULT_INSTANCE : name;
  if (typeof n !== 'string' || !/^[\w-]{1,32}$/.test(n)) throw hostError('badCommand', `bad instance name: ${String(n)}`);
  return n;
}

/** @param {unknown} name */
function instanceFor(name) {
  const n = instanceName(name);
  let inst = instances.get(n);
  if (!inst) {
    inst = new Instance({ name: n, cwd, probePath, emit, standby, launch });
    instances.set(n, inst);
  }
  return inst;
}

/** @param {unknown} name */
function runningInstance(name) {
  const inst = instances.get(instanceName(name));
  if (!inst?.running) throw hostError('notRunning', 'the server is not running');
  return inst;
}

/** @param {Instance} inst @param {number} timeoutMs */
async function listeningPort(inst, timeoutMs) {
  try {
    return await inst.waitListening(timeoutMs);
  } catch (err) {
    const e = /** @type {any} */ (err);
    throw e?.key === 'timeout' ? hostError('notListening', 'the server is running but not listening') : err;
  }
}

/**
 * A request's result when the server is busy: the hops sent so far, and `error.key` `busy` with
 * how long it has been (`ms`).
 * @param {Instance} inst @param {string} browser @param {Hop[]} hops @returns {Promise<RequestResult>}
 */
async function busyResult(inst, browser, hops) {
  const ms = inst.busy?.ms ?? 0;
  return { hops, jar: await browsers.jar(browser), error: { key: 'busy', message: `the server has been busy for ${ms} ms (its event loop is blocked)`, ms } };
}

/** Each command's answer is its reply's `result` (lab/protocol/host.ts, CommandMap). The command came
 * as JSON, unchecked: each op reads it defensively.
 * @type {{ [O in Op]: (cmd: Command<O>) => Promise<CommandMap[O]['result']> }} */
const ops = {
  async start(cmd) {
    restoreLabPackages(here, cwd);
    return instanceFor(cmd.instance).start({ entry: cmd.entry ?? 'server.js', env: cmd.env ?? {} });
  },
  async restart(cmd) {
    restoreLabPackages(here, cwd);
    // Same entry and environment as the last start unless given.
    return instanceFor(cmd.instance).start({ entry: cmd.entry, env: cmd.env });
  },
  async stop(cmd) {
    return runningInstance(cmd.instance).stop();
  },
  async request(cmd) {
    const inst = runningInstance(cmd.instance);
    const timeoutMs = Number(cmd.timeoutMs) > 0 ? Number(cmd.timeoutMs) : 5000;
    const browser = cmd.browser ?? 'A';
    // A server stuck before it listens is said to be stuck at once, not after the wait.
    if (inst.busy && !inst.run?.listening) return busyResult(inst, browser, []);
    let port;
    try {
      port = await listeningPort(inst, timeoutMs);
    } catch (err) {
      if (/** @type {any} */ (err)?.key === 'notListening' && inst.busy) return busyResult(inst, browser, []);
      throw err;
    }
    const result = await browsers.send({
      browser,
      port,
      host: inst.host,
      method: cmd.method ?? 'GET',
      path: cmd.path ?? '/',
      follow: Boolean(cmd.follow),
      timeoutMs,
      ...(cmd.form ? { form: cmd.form } : {}),
    });
    // No answer because the server's code never yields (an endless loop), not a route that forgot to answer.
    return result.error?.key === 'timeout' && inst.busy ? busyResult(inst, browser, result.hops) : result;
  },
  async jar(cmd) {
    return browsers.jar(cmd.browser ?? 'A');
  },
  async setCookie(cmd) {
    if (typeof cmd.name !== 'string' || typeof cmd.value !== 'string') throw hostError('badCommand', 'setCookie needs name and value');
    return browsers.setCookie(cmd.browser ?? 'A', cmd.name, cmd.value);
  },
  async clearJar(cmd) {
    await browsers.clear(cmd.browser);
    return {};
  },
  async verify(cmd) {
    return runningInstance(cmd.instance).verify(String(cmd.value ?? ''));
  },
  async check(cmd) {
    if (!Array.isArray(cmd.checks)) throw hostError('badCommand', 'check needs checks');
    const inst = runningInstance(cmd.instance);
    const previous = checkQueues.get(inst.name) ?? Promise.resolve();
    /** @param {Instance} target @returns {(o: Record<string, any>) => Promise<any>} */
    const sendTo = (target) => async (o) => {
      if (!target.running) throw hostError('notRunning', 'the server is not running');
      const port = await listeningPort(target, o.timeoutMs ?? 5000);
      return checkBrowsers.send({ .../** @type {any} */ (o), port, host: target.host });
    };
    /** Servers a check started that were not running before it: stopped when it ends. */
    const ours = new Set();
    const run = previous.catch(() => {}).then(() =>
      runChecks({
        checks: cmd.checks,
        events: inst.events,
        resetJars: () => checkBrowsers.clear(),
        send: sendTo(inst),
        restart: async () => {
          await inst.start();
          await inst.waitListening(RESTART_LISTEN_MS);
        },
        // Another server of the same app: the learner's entry and environment, its own port.
        start: async (name, env) => {
          if (instanceName(name) === inst.name) throw hostError('badCommand', `"${name}" is the server being checked: use a restart step`);
          const other = instanceFor(name);
          if (!other.running) ours.add(other);
          const { PORT, ...base } = inst.config.env;
          await other.start({ entry: inst.config.entry, env: { ...base, ...env } });
          await other.waitListening(RESTART_LISTEN_MS);
          return { send: sendTo(other), events: other.events };
        },
        stop: async (name) => {
          const other = instances.get(name);
          if (other && ours.has(other) && other.running) await other.stop();
          if (other) ours.delete(other);
        },
        jar: (browser) => checkBrowsers.jar(browser),
        setCookie: (browser, name, value) => checkBrowsers.setCookie(browser, name, value, inst.port),
      }),
    );
    checkQueues.set(inst.name, run);
    return run;
  },
};

/** @param {string} line */
async function handle(line) {
  /** @type {any} */
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch {
    return emit({ t: 'reply', id: null, ok: false, error: { key: 'badCommand', message: 'not JSON' } });
  }
  const id = cmd && (typeof cmd.id === 'number' || typeof cmd.id === 'string') ? cmd.id : null;
  /** @type {((cmd: any) => Promise<unknown>) | undefined} */
  const op = cmd && typeof cmd.op === 'string' && Object.hasOwn(ops, cmd.op) ? ops[/** @type {Op} */ (cmd.op)] : undefined;
  if (!op) return emit({ t: 'reply', id, ok: false, error: { key: 'badCommand', message: `unknown op: ${String(cmd?.op)}` } });
  try {
    emit({ t: 'reply', id, ok: true, result: await op(cmd) });
  } catch (err) {
    const e = /** @type {any} */ (err);
    emit({ t: 'reply', id, ok: false, error: { key: typeof e?.key === 'string' ? e.key : 'failed', message: String(e?.message ?? err) } });
  }
}

// ---------------------------------------------------------------------------------------------
// Lifetime: no lesson server outlives the host, whichever way the host goes.

let shuttingDown = false;
async function shutdown(code = 0) {
  if (shuttingDown) return;
  shuttingDown = true;
  standby?.dispose();
  const stops = [...instances.values()].filter((i) => i.running).map((i) => i.stop(800).catch(() => {}));
  await Promise.race([Promise.all(stops), new Promise((r) => setTimeout(r, 1500))]);
  channel?.dispose();
  process.exit(code);
}

process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));
process.on('SIGHUP', () => void shutdown(0));
process.stdout.on('error', () => void shutdown(0));
process.on('uncaughtException', (err) => {
  process.stderr.write(`session-lab host: ${err?.stack ?? err}\n`);
  standby?.dispose();
  for (const inst of instances.values()) inst.run?.child.kill('SIGKILL');
  killAllRunsNow();
  process.exit(1);
});
// A parent that is SIGKILLed may leave stdin open (a pty): also watch for being orphaned.
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) void shutdown(0);
}, 1000).unref();

let buffered = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (/** @type {string} */ chunk) => {
  buffered += chunk;
  let nl;
  while ((nl = buffered.indexOf('\n')) >= 0) {
    const line = buffered.slice(0, nl).replace(/^\x1e/, '').trim();
    buffered = buffered.slice(nl + 1);
    if (line) void handle(line);
  }
});
process.stdin.on('end', () => void shutdown(0));
process.stdin.on('close', () => void shutdown(0));

emit({ t: 'hello', version: VERSION, pid: process.pid });
// What this runtime's Node can do, and how the host works with it (lab/README.md, `features`).
void selfTest({ lab: here }).then((features) =>
  emit({ t: 'features', transport: portable ? 'http' : 'ipc', standby: standby !== null, features }),
);
