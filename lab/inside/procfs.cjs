// @ts-check
'use strict';
// What Linux's /proc tells about a lesson's processes: its whole tree (to end it) and a process's
// CPU time (to tell a busy server from an idle one). A process group is not enough to end a tree:
// `spawn(…, { detached: true })` starts a new session, and an orphan's parent chain is gone. So a
// tree is everything that carries a marker in its environment (set by whoever started the tree and
// inherited by default), or whose working folder is inside the workspace (started after it), plus
// every descendant of those and of the given roots. /proc/<pid>/environ is the environment the
// process was started with: deleting the variable inside the process later does not hide it.
// Without /proc (macOS, Windows, a WebContainer) every function here finds nothing.
// Used by the host (instance.mjs) and by the local runner (lab/runner, lifeline.cjs).
const fs = require('node:fs');

const PROC = '/proc';
const available = (() => {
  try {
    fs.accessSync(`${PROC}/self/stat`, fs.constants.R_OK);
    return true;
  } catch {
    return false;
  }
})();
/** Clock ticks per second of /proc's times (USER_HZ: 100 on every mainstream Linux architecture). */
const TICKS_PER_SECOND = 100;

/**
 * @typedef {{ pid: number, start: string }} ProcRef a process, by pid and start time (a reused pid
 *   has another start time, so a stale reference never reaches a stranger)
 * @typedef {{ ppid: number, state: string, start: string, cpuTicks: number }} Stat
 * @typedef {{ name: string, value: string, prefix?: boolean }} Marker an environment variable;
 *   `prefix`: its value starts with `value`
 * @typedef {{ marker?: Marker, roots?: number[], cwdInside?: string, startedFrom?: string }} Who
 *   `cwdInside` counts only processes started at or after `startedFrom` (a start time)
 */

/** @param {number} pid @returns {Stat | null} */
function stat(pid) {
  let text;
  try {
    text = fs.readFileSync(`${PROC}/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: fields restart after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); ppid is field 4, utime 14, stime 15, starttime 22.
  return {
    state: fields[0] ?? '',
    ppid: Number(fields[1]),
    cpuTicks: Number(fields[11]) + Number(fields[12]),
    start: fields[19] ?? '',
  };
}

/** @param {number} pid @param {Marker} marker */
function hasMarker(pid, marker) {
  let environ;
  try {
    environ = fs.readFileSync(`${PROC}/${pid}/environ`, 'latin1');
  } catch {
    return false; // another user's process, or gone
  }
  const head = `${marker.name}=${marker.value}`;
  for (const entry of environ.split('\0')) {
    if (marker.prefix ? entry.startsWith(head) : entry === head) return true;
  }
  return false;
}

/** @param {number} pid @param {string} dir */
function cwdIn(pid, dir) {
  try {
    const cwd = fs.readlinkSync(`${PROC}/${pid}/cwd`);
    return cwd === dir || cwd.startsWith(`${dir}/`);
  } catch {
    return false;
  }
}

/** Start times compare as numbers (clock ticks since boot); they can exceed 2^53 only after ages. */
const notBefore = (/** @type {string} */ a, /** @type {string} */ b) => Number(a) >= Number(b);

/** The start time a process started now would get (for `startedFrom`), or '' without /proc. */
function nowStart() {
  if (!available) return '';
  try {
    const uptime = Number(fs.readFileSync(`${PROC}/uptime`, 'latin1').split(' ')[0]);
    // One tick earlier: /proc/uptime and a start time round differently.
    return Number.isFinite(uptime) ? String(Math.max(0, Math.floor(uptime * TICKS_PER_SECOND) - 1)) : '';
  } catch {
    return '';
  }
}

/** Every live process that belongs to `who`, never this process itself. @param {Who} who @returns {ProcRef[]} */
function findTree(who) {
  if (!available) return [];
  /** @type {Map<number, Stat>} */
  const all = new Map();
  let names;
  try {
    names = fs.readdirSync(PROC);
  } catch {
    return [];
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const s = stat(pid);
    if (s && s.state !== 'Z' && s.state !== 'X') all.set(pid, s);
  }
  /** @type {Map<number, number[]>} */
  const children = new Map();
  for (const [pid, s] of all) {
    const list = children.get(s.ppid);
    if (list) list.push(pid);
    else children.set(s.ppid, [pid]);
  }
  /** @type {Set<number>} */
  const members = new Set();
  for (const [pid, s] of all) {
    if (who.marker && hasMarker(pid, who.marker)) members.add(pid);
    else if (who.cwdInside && (!who.startedFrom || notBefore(s.start, who.startedFrom)) && cwdIn(pid, who.cwdInside)) members.add(pid);
  }
  for (const root of who.roots ?? []) if (all.has(root)) members.add(root);
  // Descendants: a child that dropped the marker and left the folder is still a child.
  const queue = [...members];
  while (queue.length > 0) {
    for (const child of children.get(/** @type {number} */ (queue.pop())) ?? []) {
      if (!members.has(child)) {
        members.add(child);
        queue.push(child);
      }
    }
  }
  members.delete(process.pid);
  return [...members].map((pid) => ({ pid, start: /** @type {Stat} */ (all.get(pid)).start }));
}

/** Whether `ref` is still that process (same pid and start time) and not a zombie. @param {ProcRef} ref */
function isSame(ref) {
  const s = stat(ref.pid);
  return s !== null && s.start === ref.start && s.state !== 'Z' && s.state !== 'X';
}

/** Sends `signal` to each process that is still the one found. @param {ProcRef[]} refs @param {NodeJS.Signals} [signal] */
function signalTree(refs, signal = 'SIGKILL') {
  for (const ref of refs) {
    if (!isSame(ref)) continue;
    try {
      process.kill(ref.pid, signal);
    } catch {
      // gone meanwhile, or not ours
    }
  }
}

/** Resolves once none of `refs` runs any more (or `ms` passed); with the ones still running. @param {ProcRef[]} refs */
async function waitGone(refs, ms = 1000) {
  const end = Date.now() + ms;
  let left = refs.filter(isSame);
  while (left.length > 0 && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    left = left.filter(isSame);
  }
  return left;
}

/** SIGKILLs the tree `who` names (found again until nothing new turns up: a process may fork while
 * it dies) and waits until it is gone. Resolves with what is left (nothing, normally). @param {Who} who */
async function killTree(who, ms = 1000) {
  /** @type {ProcRef[]} */
  const killed = [];
  for (let round = 0; round < 5; round++) {
    const found = findTree(who).filter((ref) => !killed.some((k) => k.pid === ref.pid && k.start === ref.start));
    if (found.length === 0) break;
    signalTree(found);
    killed.push(...found);
  }
  return waitGone(killed, ms);
}

/** The same, synchronously, without waiting (a process that is exiting cannot wait). @param {Who} who */
function killTreeNow(who) {
  for (let round = 0; round < 5; round++) {
    const found = findTree(who);
    if (found.length === 0) return;
    signalTree(found);
  }
}

/** CPU time (user + system) a process has used, in ms; null without /proc. @param {number | undefined} pid */
function cpuMs(pid) {
  if (!available || pid === undefined) return null;
  const s = stat(pid);
  return s ? (s.cpuTicks * 1000) / TICKS_PER_SECOND : null;
}

module.exports = { available, findTree, signalTree, waitGone, killTree, killTreeNow, cpuMs, nowStart };
