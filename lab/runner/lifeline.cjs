// Preloaded (`node --require`) by the local runner into every process it starts, so that the
// process and everything it started die with the runner, even when the runner is SIGKILLed and
// cannot clean up. The runner holds the other end of a pipe on fd 3 and never writes to it; when
// the runner dies the kernel closes it, we read EOF, and kill our own process group (the runner
// starts each process as a group leader). Invisible to the lesson otherwise: the socket is unref'd
// (it never keeps the process alive), and the preload removes itself from process.execArgv and
// its variable from process.env so child_process.fork() does not pass it on.
'use strict';
const net = require('node:net');
const { realpathSync } = require('node:fs');

const ENV = 'SESSION_LAB_LIFELINE_FD';
const fd = Number(process.env[ENV]);
delete process.env[ENV];
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
