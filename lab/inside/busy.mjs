// @ts-check
// Tells a busy lesson server (its event loop blocked: `while (true) {}` at start-up or in a route)
// from one that is merely quiet or slow. The probe sends a `heartbeat` event every 500 ms while
// the event loop turns; when none has come for a while although the process lives, the server is
// busy. On a slow or crowded machine a heartbeat can be late without the server being stuck, so
// the evidence is the process's own CPU time where /proc gives it: a server that used a good share
// of a CPU since its last heartbeat is running code that never yields. Without that evidence (a
// WebContainer) only a longer silence counts.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** @type {typeof import('./procfs.cjs')} */
const procfs = require('./procfs.cjs');

/** No heartbeat for this long, and the CPU says it is running: busy. */
export const BUSY_AFTER_MS = 2000;
/** No heartbeat for this long: busy whatever the CPU says (or where it cannot be read). */
export const BUSY_ANYWAY_AFTER_MS = 5000;
/** The share of one CPU (0…1) the process used since its last heartbeat that counts as running. */
export const CPU_SHARE = 0.3;
const CHECK_MS = 250;

/** @import { NoticeData } from '../protocol/host.ts' */

/**
 * @typedef {NoticeData['busy']} BusyInfo what the `busy` notice says
 * @typedef {{ pid: number | undefined, onBusy: (info: BusyInfo) => void, onUnblocked: (info: NoticeData['unblocked']) => void,
 *   now?: () => number, cpuMs?: (pid: number | undefined) => number | null }} BusyWatchOptions
 */

export class BusyWatch {
  /** @param {BusyWatchOptions} o */
  constructor(o) {
    this.o = o;
    this.now = o.now ?? Date.now;
    this.cpuMs = o.cpuMs ?? procfs.cpuMs;
    const now = this.now();
    // The start counts as a heartbeat: a loop before the first one (at start-up) is busy too.
    this.lastBeat = now;
    this.base = { at: now, cpu: this.cpuMs(o.pid) };
    /** @type {number | null} */
    this.busySince = null;
    this.timer = setInterval(() => this.check(), CHECK_MS);
    this.timer.unref();
  }

  /** A heartbeat came: the event loop turns. */
  beat() {
    const now = this.now();
    if (this.busySince !== null) {
      const ms = now - this.busySince;
      this.busySince = null;
      this.o.onUnblocked({ ms });
    }
    this.lastBeat = now;
    this.base = { at: now, cpu: this.cpuMs(this.o.pid) };
  }

  check() {
    if (this.busySince !== null) return;
    const now = this.now();
    const silent = now - this.lastBeat;
    if (silent < BUSY_AFTER_MS) return;
    const cpu = this.cpuMs(this.o.pid);
    const share = cpu === null || this.base.cpu === null ? null : (cpu - this.base.cpu) / Math.max(1, now - this.base.at);
    if (silent < BUSY_ANYWAY_AFTER_MS && (share === null || share < CPU_SHARE)) return;
    this.busySince = this.lastBeat;
    this.o.onBusy({ since: this.lastBeat, ms: silent });
  }

  /** Whether (and for how long) the server is busy now. @returns {BusyInfo | null} */
  get busy() {
    return this.busySince === null ? null : { since: this.busySince, ms: this.now() - this.busySince };
  }

  stop() {
    clearInterval(this.timer);
  }
}
