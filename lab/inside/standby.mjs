// @ts-check
// One lesson server process kept warm for the next start: a restart after an edit, a lesson
// switch or a check's restart then skips Node's start-up and loading express (about 200 ms of the
// 250 a start takes here). Made after a server listens or ends, never while one is starting, so
// it does not compete with it. It is thrown away, and a cold start used instead, when the
// workspace's packages changed since it was made (an `npm install` in the shell).
import { fork } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { lessonExecArgv } from './node-options.mjs';

/** @import { StandbyMessage } from '../protocol/probe.ts' */

/** What marks a change of installed packages: npm rewrites these on every install. */
const PACKAGE_MARKS = ['node_modules', join('node_modules', '.package-lock.json')];

export class Standby {
  /** @param {{ cwd: string, probePath: string, warmPath: string }} options */
  constructor({ cwd, probePath, warmPath }) {
    this.cwd = cwd;
    this.probePath = probePath;
    this.warmPath = warmPath;
    /** @type {import('node:child_process').ChildProcess | null} */
    this.child = null;
    /** Whether the warm process said it is ready (its packages loaded, listening for 'run'). */
    this.ready = false;
    this.madeWith = '';
    this.disposed = false;
  }

  packagesStamp() {
    return PACKAGE_MARKS.map((mark) => {
      try {
        return String(statSync(join(this.cwd, mark)).mtimeMs);
      } catch {
        return '-';
      }
    }).join(' ');
  }

  /** Starts a warm process unless one is ready (cheap to call often). */
  prepare() {
    if (this.child || this.disposed) return;
    const child = fork(this.warmPath, [], {
      cwd: this.cwd,
      execArgv: lessonExecArgv(this.probePath),
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    child.on('error', () => {});
    child.once('exit', () => {
      if (this.child !== child) return;
      this.child = null;
      this.ready = false;
    });
    const onWarm = (/** @type {Partial<StandbyMessage> | null} */ msg) => {
      if (msg?.t !== 'warm') return;
      child.off('message', onWarm);
      if (this.child === child) this.ready = true;
    };
    child.on('message', onWarm);
    this.child = child;
    this.ready = false;
    this.madeWith = this.packagesStamp();
  }

  /**
   * The warm process, if one is alive and its packages are current (it is then the caller's:
   * send it { t: 'run', entry, env }); else null, and the caller forks as usual.
   * @returns {import('node:child_process').ChildProcess | null}
   */
  take() {
    const child = this.child;
    // Still loading: start cold this time and keep it for the next start.
    if (!child || !this.ready) return null;
    this.child = null;
    this.ready = false;
    const alive = child.exitCode === null && child.signalCode === null && child.connected;
    if (!alive || this.packagesStamp() !== this.madeWith) {
      child.kill('SIGKILL');
      return null;
    }
    return child;
  }

  dispose() {
    this.disposed = true;
    this.child?.kill('SIGKILL');
    this.child = null;
  }
}
