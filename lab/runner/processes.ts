// The only code that starts processes: `node` (process.execPath, no shell) with either a lab
// script (host.mjs, client.mjs from labDir) or a .js/.mjs/.cjs file of the workspace, in the
// workspace, with a minimal environment. Nothing from the page reaches node's own options.
import { spawn, type ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { LAB_SCRIPTS, type LabScript } from '../protocol/runner.ts';
import { RunnerError, badRequest, refuse } from './errors.ts';
import { watchListeningPorts } from './host-ports.ts';
import { isObject } from './http.ts';
import type { Limits } from './limits.ts';
import { createOutputLog, type ExitInfo, type OutputLog, type StreamName } from './output.ts';
import { parseRelPath, resolveForRead } from './paths.ts';
import { TREE_ENV, endProcessTree, endProcessTreeNow, snapshotProcessTree } from './tree.ts';

/** The one lab script that speaks the frame protocol (its `listening` events allow previews). */
const HOST_SCRIPT: LabScript = 'host.mjs';
const isLabScript = (name: string): name is LabScript => (LAB_SCRIPTS as readonly string[]).includes(name);

const SCRIPT_EXT = /\.(?:js|mjs|cjs)$/;
const MAX_ARGS = 64;
const MAX_ARG_LENGTH = 8192;
/** After a process exits, how long to wait for its pipes to close (a grandchild may hold them). */
const CLOSE_WAIT_MS = 200;
/** Environment variable telling lifeline.cjs which fd is the runner's lifeline. */
export const LIFELINE_ENV = 'SESSION_LAB_LIFELINE_FD';
const LIFELINE_FD = 3;
const GROUPS = process.platform !== 'win32';

export interface SpawnPlan {
  /** Absolute path of the script node runs. */
  script: string;
  /** Arguments after the script (passed to it, never to node). */
  args: string[];
  /** The lab script's name, or null for a workspace file. */
  labScript: LabScript | null;
}

/** Validates a SpawnBody (`{ command: 'node', args: [script, ...] }`, lab/protocol/runner.ts); throws a 4xx RunnerError. No side effect. */
export async function planSpawn(body: unknown, labDir: string, workspaceDir: string): Promise<SpawnPlan> {
  if (!isObject(body)) throw badRequest('badSpawn', 'the body must be { command: "node", args: [script, ...] }');
  if (body.command !== 'node') throw refuse('commandNotAllowed', 'only "node" can be started');
  const args = body.args;
  if (!Array.isArray(args) || args.length === 0 || args.length > MAX_ARGS) {
    throw badRequest('badSpawn', `args must list the script and at most ${MAX_ARGS - 1} arguments`);
  }
  for (const a of args) {
    if (typeof a !== 'string' || a.length > MAX_ARG_LENGTH || a.includes('\0')) {
      throw badRequest('badSpawn', 'every argument must be a string without NUL');
    }
  }
  const [first, ...rest] = args as string[];
  if (first!.startsWith('-')) throw refuse('nodeFlagNotAllowed', 'node options cannot be given; name the script first');
  if (isLabScript(first!)) {
    const script = join(labDir, first);
    const st = await stat(script).catch(() => null);
    if (!st?.isFile()) throw new RunnerError(500, 'labScriptMissing', `the lab script ${first} is missing from ${labDir}`);
    return { script, args: rest, labScript: first };
  }
  const segments = parseRelPath(first);
  if (!SCRIPT_EXT.test(segments.at(-1)!)) {
    throw refuse('scriptNotAllowed', 'only a .js, .mjs or .cjs file of the workspace (or a lab script) can be started');
  }
  const script = await resolveForRead(workspaceDir, segments);
  const st = await stat(script);
  if (!st.isFile()) throw refuse('scriptNotAllowed', `${first} is not a file`);
  return { script, args: rest, labScript: null };
}

export interface ManagedProcess {
  readonly pid: number;
  readonly labScript: LabScript | null;
  readonly log: OutputLog;
  readonly alive: boolean;
  /** Resolves once the process has exited and its output is final. */
  readonly exited: Promise<ExitInfo>;
  writeInput(data: Buffer): void;
  /** SIGTERM (to its process group), SIGKILL after the grace period; resolves on exit. */
  kill(): Promise<ExitInfo>;
  /** Synchronous SIGKILL of the group (the runner's own exit). */
  killNow(): void;
}

export interface StartOptions {
  cwd: string;
  limits: Limits;
  /** Absolute path of lifeline.cjs, preloaded into every process (see there). */
  lifeline: string;
  /** A `listening` frame of the host (only host.mjs's frames are read). */
  onListening(port: number): void;
  /** Its place in the workspace's process tree (tree.ts: `nextMarker`). */
  marker: string;
}

export function minimalEnv(marker: string, limits: Pick<Limits, 'lessonHeapMb'>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? homedir(),
    [LIFELINE_ENV]: String(LIFELINE_FD),
    [TREE_ENV]: marker,
    // For the host (lab/inside): lesson servers that name no host listen on loopback only (the
    // probe), and their JavaScript heap is bounded.
    SESSION_LAB_LISTEN_HOST: '127.0.0.1',
    SESSION_LAB_HEAP_MB: String(Math.floor(limits.lessonHeapMb)),
  };
  if (process.platform === 'win32' && process.env.SystemRoot) env.SystemRoot = process.env.SystemRoot;
  // The operator's switch for the host's warm standby (lab/README.md); never set by a page.
  if (process.env.SESSION_LAB_COLD_START === '1') env.SESSION_LAB_COLD_START = '1';
  return env;
}

export function startProcess(plan: SpawnPlan, options: StartOptions): ManagedProcess {
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, ['--require', options.lifeline, plan.script, ...plan.args], {
      cwd: options.cwd,
      env: minimalEnv(options.marker, options.limits),
      // fd 3: the lifeline. Nothing is ever written to it; when the runner dies the child sees EOF.
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      shell: false,
      detached: GROUPS, // its own process group, so a kill reaches what it started too
      windowsHide: true,
    });
  } catch (e) {
    throw new RunnerError(500, 'spawnFailed', `could not start node: ${(e as Error).message}`);
  }
  const pid = child.pid;
  if (pid === undefined) {
    child.on('error', () => undefined);
    throw new RunnerError(500, 'spawnFailed', 'could not start node');
  }

  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (GROUPS) process.kill(-pid, signal);
      else child.kill(signal);
    } catch {
      // already gone
    }
  };

  const log = createOutputLog(options.limits.maxOutputBytes);
  const frames = plan.labScript === HOST_SCRIPT ? watchListeningPorts(options.onListening) : null;
  let alive = true;
  let finished = false;
  /** Its tree when a kill began (a detached child that dropped its environment is found by its parent). */
  let snapshot: ReturnType<typeof snapshotProcessTree> = [];
  let reaped: Promise<void> = Promise.resolve();
  let exitInfo: ExitInfo = { code: null, signal: null };
  let resolveExited!: (info: ExitInfo) => void;
  const exited = new Promise<ExitInfo>((resolve) => (resolveExited = resolve));

  const decoders: Record<StreamName, StringDecoder> = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  const onData = (stream: StreamName) => (chunk: Buffer) => {
    if (finished) return;
    const text = decoders[stream].write(chunk);
    if (stream === 'stdout' && frames) frames(text);
    log.append(stream, text);
  };
  child.stdout!.on('data', onData('stdout'));
  child.stderr!.on('data', onData('stderr'));
  child.stdin!.on('error', () => undefined); // EPIPE once it exited
  child.stdio[3]?.on('error', () => undefined);
  child.on('error', () => undefined);

  const finish = () => {
    if (finished) return;
    finished = true;
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = decoders[stream].end();
      if (rest) log.append(stream, rest);
    }
    log.finish(exitInfo);
    child.stdio[3]?.destroy();
    void reaped.then(() => resolveExited(exitInfo));
  };
  child.on('exit', (code, signal) => {
    alive = false;
    exitInfo = { code, signal };
    // What it started and left behind dies with it: nothing escapes the process bound. (Its pid,
    // the group's id, cannot be reused while a member of the group is alive.) Its group, then its
    // tree (detached children too); `exited` waits for the tree to be gone.
    if (GROUPS) signalGroup('SIGKILL');
    reaped = endProcessTree(options.marker, snapshot).catch(() => undefined);
    const timer = setTimeout(finish, CLOSE_WAIT_MS);
    timer.unref();
  });
  child.on('close', () => {
    alive = false;
    finish();
  });

  let killing: Promise<ExitInfo> | null = null;
  return {
    pid,
    labScript: plan.labScript,
    log,
    get alive() {
      return alive;
    },
    exited,
    writeInput(data) {
      const stdin = child.stdin!;
      if (!alive || stdin.destroyed || !stdin.writable) throw new RunnerError(409, 'processExited', 'the process has exited');
      if (stdin.writableLength + data.length > options.limits.maxInputBacklogBytes) {
        throw new RunnerError(503, 'inputBacklog', 'the process is not reading its input');
      }
      stdin.write(data);
    },
    kill() {
      if (killing) return killing;
      // Once it has exited its group was killed with it (see 'exit'); never signal a stale pid.
      if (!alive) return exited;
      snapshot = snapshotProcessTree(options.marker, pid);
      signalGroup('SIGTERM');
      const timer = setTimeout(() => {
        if (alive) signalGroup('SIGKILL');
      }, options.limits.killGraceMs);
      timer.unref();
      killing = exited.then((info) => {
        clearTimeout(timer);
        return info;
      });
      return killing;
    },
    killNow() {
      if (!alive) return;
      endProcessTreeNow(options.marker, pid);
      signalGroup('SIGKILL');
    },
  };
}
