// @ts-check
// One lesson server (an "instance", e.g. `main`): forks it with the probe preloaded (or, where
// IPC and `--require` are not assumed, starts it through launch.cjs with the probe reporting over
// the host's probe channel), relays its output within a budget, relays the probe's events, and
// turns every way it can end (exit, crash, syntax error, process.exit, port in use) into clear
// frames, never a hang — not even when a killed server never says it exited.
import { fork, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { isAbsolute, normalize, sep } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { EventLog } from './event-log.mjs';
import { heapLimitMb, lessonExecArgv } from './node-options.mjs';
import { BusyWatch } from './busy.mjs';

const require = createRequire(import.meta.url);
/** @type {typeof import('./locate.cjs')} */
const locate = require('./locate.cjs');
/** @type {typeof import('./procfs.cjs')} */
const procfs = require('./procfs.cjs');

/** The variable that marks every process of one run of a lesson server (see procfs.cjs). */
export const RUN_MARKER = 'SESSION_LAB_RUN';
/** This host's runs are `<HOST_TREE>.<n>`: all of them can be found at once. */
export const HOST_TREE = randomBytes(6).toString('hex');
let runSerial = 0;

/** Every process of every run of this host, at once, without waiting (the host is dying). */
export function killAllRunsNow() {
  procfs.killTreeNow({ marker: { name: RUN_MARKER, value: `${HOST_TREE}.`, prefix: true } });
}

const OUTPUT_BUDGET = 256 * 1024; // characters per second and instance relayed to the terminal
const STDERR_TAIL = 16 * 1024; // kept to read a fatal error Node printed (see locate.cjs)
const CLOSE_GRACE_MS = 1000; // after 'exit', how long stdio and IPC may take to drain
const STOP_GRACE_MS = 2000; // SIGTERM, then SIGKILL
const KILL_WAIT_MS = 1500; // after SIGKILL, how long an exit may take before the run is given up
const SYNTAX_HOLD_MS = 1500; // an ES module's SyntaxError waits for stderr to say where it is
/** What V8 prints when the heap bound is reached ("FATAL ERROR: … JavaScript heap out of memory"). */
const OUT_OF_MEMORY = /FATAL ERROR:.*JavaScript heap out of memory/;

/** @import { HostErrorKey, HostFrame } from '../protocol/host.ts' */
/** @import { HostToProbeMessage, ListeningEvent, ProbeEvent, ProbeMessage, ServerErrorEvent, StandbyMessage, VerifyResult } from '../protocol/probe.ts' */

/** @typedef {(frame: HostFrame) => void} Emit */

/** An error a command's reply carries (lab/protocol/host.ts, HostErrorInfo). @param {HostErrorKey} key @param {string} message @returns {Error & { key: HostErrorKey }} */
export function hostError(key, message) {
  return Object.assign(new Error(message), { key });
}

/** Ports given to this host's instances: the OS may hand a just-closed port out again. */
const reserved = new Set();

/** A port nobody listens on right now (several workspaces and instances must not collide). */
export async function freePort() {
  for (let i = 0; i < 20; i++) {
    const port = await anyPort();
    if (!reserved.has(port)) {
      reserved.add(port);
      return port;
    }
  }
  throw hostError('failed', 'no free port');
}

/** @returns {Promise<number>} */
function anyPort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Relays at most `limit` characters a second; beyond that drops and says so once per flood. */
class OutputBudget {
  /** @param {number} limit @param {() => void} onFlood */
  constructor(limit, onFlood) {
    this.limit = limit;
    this.onFlood = onFlood;
    this.windowStart = 0;
    this.used = 0;
    this.dropped = 0;
    this.flooding = false;
  }

  /** @param {string} text @returns {string} the part that may be relayed */
  take(text) {
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      if (this.dropped === 0) this.flooding = false;
      this.windowStart = now;
      this.used = 0;
      this.dropped = 0;
    }
    const room = Math.max(0, this.limit - this.used);
    const kept = text.length <= room ? text : text.slice(0, room);
    this.used += kept.length;
    if (kept.length < text.length) {
      this.dropped += text.length - kept.length;
      if (!this.flooding) {
        this.flooding = true;
        this.onFlood();
      }
    }
    return kept;
  }
}

/**
 * How the host talks to a server's probe: the IPC channel, or a line of the probe channel.
 * @typedef {{ send: (message: HostToProbeMessage, done?: (error: Error | null) => void) => void,
 *   readonly connected: boolean, close: () => void, closed: Promise<void> }} ProbeLink
 * @typedef {{ channel: import('./probe-channel.mjs').ProbeChannel, path: string }} Launch
 */

/**
 * @typedef {{ child: import('node:child_process').ChildProcess, pid: number | undefined, listening: boolean, link: ProbeLink,
 *   marker: string, reaped: Promise<unknown>, leftover: import('./procfs.cjs').ProcRef[], watch: BusyWatch | null,
 *   ended: boolean, stopping: boolean, errorSeen: boolean, stderrTail: string, code: number | null,
 *   signal: string | null, held: ServerErrorEvent | null, heldTimer?: NodeJS.Timeout,
 *   exited: Promise<{ code: number | null, signal: string | null }>, onEnd: () => void,
 *   listenWaiters: Set<{ resolve: (port: number) => void, reject: (e: Error) => void }>,
 *   verifies: Map<number, { resolve: (v: VerifyResult) => void, reject: (e: Error) => void }> }} Run
 */

export class Instance {
  /** @param {{ name: string, cwd: string, probePath: string, emit: Emit, standby?: import('./standby.mjs').Standby | null, launch?: Launch | null }} o */
  constructor({ name, cwd, probePath, emit, standby = null, launch = null }) {
    this.name = name;
    this.cwd = cwd;
    this.probePath = probePath;
    this.emit = emit;
    /** @type {Launch | null} start servers through launch.cjs and the probe channel (no IPC, no --require) */
    this.launch = launch;
    /** @type {import('./standby.mjs').Standby | null} a warm process for the next start */
    this.standby = standby;
    this.events = new EventLog();
    /** @type {Run | null} */
    this.run = null;
    /** @type {{ entry: string, env: Record<string, string> }} */
    this.config = { entry: 'server.js', env: {} };
    /** @type {number | undefined} PORT given to the server: kept across restarts */
    this.portEnv = undefined;
    /** @type {number | undefined} the port the server actually listens on (the probe says) */
    this.port = undefined;
    this.host = '127.0.0.1';
    this.verifyId = 0;
    /** @type {Promise<unknown>} start and stop, one at a time: two starts must not leave two servers */
    this.queue = Promise.resolve();
    this.budget = new OutputBudget(OUTPUT_BUDGET, () => this.emit({ t: 'notice', instance: this.name, key: 'outputTruncated' }));
  }

  get running() {
    return Boolean(this.run && !this.run.ended);
  }

  /** The running server's event loop has been blocked since `since`, for `ms`; null when it turns. */
  get busy() {
    return this.running ? (this.run?.watch?.busy ?? null) : null;
  }

  /**
   * Starts (or restarts) the server. Resolves once spawned; readiness is the `listening` event.
   * @param {{ entry?: string, env?: Record<string, unknown> }} [o]
   */
  start(o = {}) {
    return this.serial(() => this.startNow(o));
  }

  /** @param {number} [graceMs] */
  stop(graceMs) {
    return this.serial(() => this.stopNow(graceMs));
  }

  /** @template T @param {() => Promise<T>} fn @returns {Promise<T>} */
  serial(fn) {
    const next = this.queue.catch(() => {}).then(fn);
    this.queue = next;
    return next;
  }

  /** @param {{ entry?: string, env?: Record<string, unknown> }} o */
  async startNow(o) {
    if (o.env !== undefined && (o.env === null || typeof o.env !== 'object' || Array.isArray(o.env))) {
      throw hostError('badCommand', 'env must be an object of strings');
    }
    const entry = o.entry ?? this.config.entry;
    const rel = normalize(String(entry));
    if (!entry || isAbsolute(rel) || rel === '..' || rel.startsWith(`..${sep}`)) throw hostError('badEntry', `entry must be a file inside the workspace: ${entry}`);
    /** @type {Record<string, string>} */
    const env = {};
    for (const [k, v] of Object.entries(o.env ?? this.config.env)) env[k] = String(v);
    if (this.running) await this.stopNow();
    this.config = { entry: rel, env };
    if (env.PORT !== undefined) this.portEnv = Number(env.PORT);
    else this.portEnv ??= await freePort();
    this.events.clear();
    this.port = undefined;
    const warm = await this.spawn(rel, { ...env, PORT: String(this.portEnv) });
    return { instance: this.name, port: this.portEnv, pid: this.run?.pid, warm };
  }

  /**
   * Starts the server: in the standby's warm process when one is ready, else a fresh Node.
   * @param {string} entry @param {Record<string, string>} lessonEnv the lesson's variables and PORT
   * @returns {Promise<boolean>} whether the warm process was used
   */
  async spawn(entry, lessonEnv) {
    const warm = this.launch ? null : (this.standby?.take() ?? null);
    // Inherited by whatever the server starts (unless it drops its environment): how its tree is found.
    const marker = `${HOST_TREE}.${++runSerial}`;
    const runEnv = { ...lessonEnv, [RUN_MARKER]: marker };
    /** @type {Run | null} the run, once made: the line's messages wait for it */
    let self = null;
    /** @type {any[]} */
    const early = [];
    let lineClosed = () => {};
    const line = this.launch
      ? await this.launch.channel.open({
          onMessage: (msg) => (self ? this.message(self, msg) : early.push(msg)),
          onClose: () => lineClosed(),
        })
      : null;
    const heapMb = heapLimitMb();
    const child = line
      ? spawn(process.execPath, [...(heapMb === null ? [] : [`--max-old-space-size=${heapMb}`]), /** @type {Launch} */ (this.launch).path, entry], {
          cwd: this.cwd,
          env: { ...process.env, ...runEnv, SESSION_LAB_PROBE: line.url },
          stdio: ['ignore', 'pipe', 'pipe'],
        })
      : (warm ??
        fork(entry, [], {
          cwd: this.cwd,
          execArgv: lessonExecArgv(this.probePath),
          env: { ...process.env, ...runEnv },
          stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        }));
    // The warm process has the host's environment: it adds the lesson's before running the entry.
    if (warm) warm.send(/** @type {StandbyMessage} */ ({ t: 'run', entry, env: runEnv }));
    /** @type {ProbeLink} */
    const link = line
      ? {
          send: (message, done) => done?.(line.send(message) ? null : new Error('the probe is not connected')),
          get connected() {
            return line.open;
          },
          close: () => line.close(),
          closed: new Promise((resolve) => (lineClosed = () => resolve(undefined))),
        }
      : {
          send: (message, done) => child.send(message, (error) => done?.(error ?? null)),
          get connected() {
            return child.connected;
          },
          close: () => {},
          closed: Promise.resolve(),
        };
    /** @type {(v: { code: number | null, signal: string | null }) => void} */
    let resolveExited = () => {};
    /** @type {Run} */
    const run = {
      child,
      pid: child.pid,
      link,
      marker,
      reaped: Promise.resolve(),
      leftover: [],
      watch: null,
      listening: false,
      ended: false,
      stopping: false,
      errorSeen: false,
      stderrTail: '',
      code: null,
      signal: null,
      held: null,
      exited: new Promise((resolve) => (resolveExited = resolve)),
      onEnd: () => {},
      listenWaiters: new Set(),
      verifies: new Map(),
    };
    run.onEnd = () => resolveExited({ code: run.code, signal: run.signal });
    this.run = run;
    // Busy: alive, but its event loop does not turn (busy.mjs); said as notices, never guessed from output.
    run.watch = new BusyWatch({
      pid: child.pid,
      onBusy: (data) => this.emit({ t: 'notice', instance: this.name, key: 'busy', data }),
      onUnblocked: (data) => this.emit({ t: 'notice', instance: this.name, key: 'unblocked', data }),
    });
    self = run;
    for (const msg of early.splice(0)) this.message(run, msg);

    for (const stream of /** @type {const} */ (['stdout', 'stderr'])) {
      const decoder = new StringDecoder('utf8');
      child[stream]?.on('data', (/** @type {Buffer} */ chunk) => this.output(run, stream, decoder.write(chunk)));
      child[stream]?.on('end', () => this.output(run, stream, decoder.end()));
    }
    child.on('message', (msg) => this.message(run, msg));
    child.on('error', (err) => {
      // A failed kill or send leaves the run going ('exit' will follow); only a failed spawn ends it.
      if (child.pid !== undefined) return;
      this.emit({ t: 'notice', instance: this.name, key: 'spawnFailed', data: { message: err.message } });
      this.finish(run);
    });
    child.on('exit', (code, signal) => {
      run.code = code;
      run.signal = signal;
      run.watch?.stop();
      // Nothing the server started outlives it, however it ended; and its `exit` frame says so:
      // it goes once the tree is gone (a crash's orphans, SIGKILLed here, take a moment to die).
      const reaped = this.reap(run);
      run.reaped = reaped;
      setTimeout(() => void reaped.then(() => this.finish(run)), CLOSE_GRACE_MS).unref();
    });
    // 'close' comes after stdio and the IPC channel are drained: every event has arrived. A
    // probe line is a socket of its own: its last events may come after, so it is waited for too.
    child.on('close', () => {
      const grace = new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
      void Promise.all([Promise.race([link.closed, grace]), run.reaped]).then(() => this.finish(run));
    });
    return warm !== null;
  }

  /**
   * Ends what a run of the server left behind: every process with its marker, and what was its
   * tree when a stop began (a child that dropped the marker is found by its parent, while the
   * parent lives). Resolves once they are gone (at most a second).
   * @param {Run} run
   */
  async reap(run) {
    procfs.signalTree(run.leftover);
    await procfs.killTree({ marker: { name: RUN_MARKER, value: run.marker } });
    await procfs.waitGone(run.leftover);
  }

  /** @param {Run} run @param {'stdout' | 'stderr'} stream @param {string} text */
  output(run, stream, text) {
    if (!text) return;
    if (stream === 'stderr') run.stderrTail = (run.stderrTail + text).slice(-STDERR_TAIL);
    const data = this.budget.take(text);
    if (data) this.emit({ t: 'out', instance: this.name, stream, data });
  }

  /** @param {Run} run @param {unknown} value a message on the probe's line */
  message(run, value) {
    if (!value || typeof value !== 'object') return;
    const msg = /** @type {ProbeMessage} its fields are checked below before use */ (value);
    if (msg.t === 'verified') {
      const v = run.verifies.get(msg.id);
      if (!v) return;
      run.verifies.delete(msg.id);
      const { t, id, ...result } = msg;
      v.resolve(result);
      return;
    }
    if (msg.t !== 'probe' || !msg.event || typeof msg.event.type !== 'string') return;
    const event = msg.event;
    // The host's own business (busy or not): never a frame.
    if (event.type === 'heartbeat') return run.watch?.beat();
    if (event.type === 'listening') this.onListening(run, event);
    if (event.type === 'error') {
      run.errorSeen = true;
      if (event.kind === 'portInUse') this.emit({ t: 'notice', instance: this.name, key: 'portInUse', data: { port: /** @type {number} the probe's portInUse always has it */ (event.port) } });
      if (event.kind === 'syntax' && !event.file && !run.held) {
        // An ES module's SyntaxError has no location; Node prints it to stderr as it dies.
        run.held = event;
        run.heldTimer = setTimeout(() => this.releaseHeld(run), SYNTAX_HOLD_MS);
        run.heldTimer.unref();
        return;
      }
    }
    this.publish(event);
  }

  /** @param {ProbeEvent} event */
  publish(event) {
    this.events.push(event);
    this.emit({ t: 'event', instance: this.name, event });
  }

  /** @param {Run} run @param {ListeningEvent} event */
  onListening(run, event) {
    const first = !run.listening;
    if (first) this.standby?.prepare();
    // The server that took PORT wins over any other the app starts.
    if (!first && event.port !== this.portEnv) return;
    run.listening = true;
    this.port = event.port;
    const addr = event.address;
    this.host = !addr || addr === '::' || addr === '0.0.0.0' ? '127.0.0.1' : addr;
    for (const w of run.listenWaiters) w.resolve(event.port);
    run.listenWaiters.clear();
  }

  /** @param {Run} run */
  releaseHeld(run) {
    if (!run.held) return;
    clearTimeout(run.heldTimer);
    const loc = locate.syntaxLocation(run.stderrTail, this.cwd);
    const event = { ...run.held, ...(loc ?? {}) };
    run.held = null;
    this.publish(event);
  }

  /** @param {Run} run */
  finish(run) {
    if (run.ended) return;
    run.ended = true;
    run.link.close();
    this.standby?.prepare();
    run.watch?.stop();
    this.releaseHeld(run);
    if (!run.stopping && OUT_OF_MEMORY.test(run.stderrTail)) {
      // V8 aborts (SIGABRT) when the heap bound is reached: nothing the probe could report.
      run.errorSeen = true;
      const mb = heapLimitMb();
      this.publish({
        type: 'error',
        kind: 'outOfMemory',
        message: 'JavaScript heap out of memory',
        ...(mb === null ? {} : { limitMb: mb }),
        stack: run.stderrTail.slice(-2000),
        fromOutput: true,
        time: Date.now(),
      });
    }
    if (!run.errorSeen && !run.stopping && run.code !== 0 && run.code !== null) {
      // The probe could not report (it died first): read what Node printed.
      const fatal = locate.fatalFromOutput(run.stderrTail, this.cwd);
      if (fatal) this.publish({ type: 'error', ...fatal, fromOutput: true, time: Date.now() });
    }
    // `requested`: the host stopped it (stop, restart, shutdown), so it did not crash.
    this.emit({ t: 'exit', instance: this.name, code: run.code, signal: run.signal, pid: run.pid, requested: run.stopping });
    const gone = hostError('exited', `the server exited (code ${run.code}, signal ${run.signal})`);
    for (const w of run.listenWaiters) w.reject(gone);
    run.listenWaiters.clear();
    for (const v of run.verifies.values()) v.reject(gone);
    run.verifies.clear();
    run.onEnd();
  }

  /** Resolves with the listening port; rejects when the server ends first or time runs out. @param {number} timeoutMs */
  waitListening(timeoutMs) {
    const run = this.run;
    if (!run || run.ended) return Promise.reject(hostError('notRunning', 'the server is not running'));
    if (run.listening && this.port !== undefined) return Promise.resolve(this.port);
    return new Promise((resolve, reject) => {
      const waiter = {
        /** @param {number} port */
        resolve: (port) => {
          clearTimeout(timer);
          resolve(port);
        },
        /** @param {Error} e */
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        run.listenWaiters.delete(waiter);
        reject(hostError('timeout', `the server did not start listening within ${timeoutMs} ms`));
      }, timeoutMs);
      run.listenWaiters.add(waiter);
    });
  }

  /** @param {number} [graceMs] */
  async stopNow(graceMs = STOP_GRACE_MS) {
    const run = this.run;
    if (!run || run.ended) throw hostError('notRunning', 'the server is not running');
    run.stopping = true;
    // A server being stopped is no longer news, busy or not.
    run.watch?.stop();
    // Its tree now, while every parent lives, and ended at once in the same turn: a child that
    // dropped the marker is found only through its parent, and once the server has exited it
    // would be nobody's. (If the host is killed right after — the runner's lifeline — nothing of
    // the tree is left waiting for a later reap.) What the server starts while stopping is found
    // by its marker when it has exited (see reap).
    if (run.pid !== undefined) run.leftover = procfs.findTree({ marker: { name: RUN_MARKER, value: run.marker }, roots: [run.pid] }).filter((p) => p.pid !== run.pid);
    procfs.signalTree(run.leftover);
    // Where signals are not assumed, the probe ends the process when asked over its line.
    if (this.launch) run.link.send({ t: 'exit' });
    kill(run.child, 'SIGTERM');
    /** @type {NodeJS.Timeout | undefined} */
    let givenUp;
    const timer = setTimeout(() => {
      kill(run.child, 'SIGKILL');
      // A kill that never yields 'exit' must not block the queue of starts and stops for ever.
      givenUp = setTimeout(() => {
        run.signal ??= 'SIGKILL';
        this.finish(run);
      }, KILL_WAIT_MS);
    }, graceMs);
    const { code, signal } = await run.exited;
    clearTimeout(timer);
    clearTimeout(givenUp);
    await run.reaped;
    return { instance: this.name, code, signal };
  }

  /** Checks a cookie value's signature with the secrets the server uses. @param {string} value @returns {Promise<VerifyResult>} */
  verify(value, timeoutMs = 2000) {
    const run = this.run;
    if (!run || run.ended || !run.link.connected) return Promise.reject(hostError('notRunning', 'the server is not running'));
    const id = ++this.verifyId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        run.verifies.delete(id);
        reject(hostError('timeout', 'the server did not answer'));
      }, timeoutMs);
      run.verifies.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      run.link.send({ t: 'verify', id, value: String(value) }, (err) => {
        if (err) run.verifies.get(id)?.reject(hostError('notRunning', err.message));
      });
    });
  }
}

/** A kill that throws (the process is gone, or the runtime has no such signal) changes nothing. @param {import('node:child_process').ChildProcess} child @param {NodeJS.Signals} signal */
function kill(child, signal) {
  try {
    child.kill(signal);
  } catch {
    // the bounded wait in stopNow covers it
  }
}
