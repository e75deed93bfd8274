// Preloaded (`node --require`) by the local runner into every process it starts, so that the
// process and everything it started die with the runner, even when the runner is SIGKILLed and
// cannot clean up. The runner holds the other end of a pipe on fd 3 and never writes to it; when
// the runner dies the kernel closes it, we read EOF, and kill our own process group (the runner
// starts each process as a group leader), and, on Linux, our whole tree: every process that carries
// our SESSION_LAB_TREE marker (detached ones too), works in our folder, or descends from us (see
// lab/inside/procfs.cjs). Invisible to the lesson otherwise: the socket is unref'd
// (it never keeps the process alive), and the preload removes itself from process.execArgv and
// its variable from process.env so child_process.fork() does not pass it on.
'use strict';
const net = require('node:net');
const { realpathSync } = require('node:fs');

const ENV = 'SESSION_LAB_LIFELINE_FD';
const fd = Number(process.env[ENV]);
delete process.env[ENV];
// Kept in the environment: what we start inherits it (that is how the tree is found).
const marker = process.env.SESSION_LAB_TREE;
const folder = process.cwd();
/** @type {typeof import('../inside/procfs.cjs') | null} */
let procfs = null;
try {
  procfs = require('../inside/procfs.cjs');
} catch {
  // without it, the process group alone
}
const since = procfs ? procfs.nowStart() : '';
const isSelf = (arg) => {
  try {
    return typeof arg === 'string' && (arg === __filename || realpathSync(arg) === __filename);
  } catch {
    return false;
  }
};
const at = process.execArgv.findIndex((arg, i) => arg === '--require' && isSelf(process.execArgv[i + 1]));
if (at !== -1) process.execArgv.splice(at, 2);

if (Number.isInteger(fd) && fd > 2) {
  let socket;
  try {
    socket = new net.Socket({ fd, readable: true, writable: false });
  } catch {
    socket = null;
  }
  if (socket) {
    const die = () => {
      try {
        // First, while every parent lives: a child that dropped the marker is found by its parent.
        if (procfs && marker) {
          procfs.killTreeNow({ marker: { name: 'SESSION_LAB_TREE', value: marker }, roots: [process.pid], cwdInside: folder, startedFrom: since });
        }
      } catch {
        // the group below still goes
      }
      try {
        if (process.platform !== 'win32') process.kill(-process.pid, 'SIGKILL');
      } catch {
        // not a group leader after all
      }
      process.kill(process.pid, 'SIGKILL');
    };
    socket.on('data', () => undefined);
    socket.on('end', die);
    // A reset is the runner going away too; any other error is left alone (never kill a lesson
    // for a reason that is not the runner's death).
    socket.on('error', (e) => {
      if (e && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) die();
    });
    socket.unref();
  }
}
