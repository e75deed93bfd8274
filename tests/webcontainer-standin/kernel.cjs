// The stand-in's view from inside every process it runs (preloaded through NODE_OPTIONS, so the
// processes those start carry it too): what a WebContainer's own runtime knows without asking the
// program. See standin.ts for what is modelled and where it comes from.
// - A server that starts or stops listening on a TCP port is reported to the stand-in, which
//   turns it into the package's `port` / `server-ready` events.
// - STANDIN_STRICT=1: the Node features no one has seen work in a WebContainer are taken away:
//   `child_process.fork` gives no IPC channel and ignores `execArgv` (no `--require` for the
//   child), and AsyncLocalStorage keeps its store only during the synchronous part of `run()`.
'use strict';
const http = require('node:http');
const net = require('node:net');

const kernel = process.env.STANDIN_KERNEL;

function report(port, type) {
  if (!kernel) return;
  try {
    const req = http.request(kernel, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } });
    req.on('socket', (socket) => socket.unref());
    req.on('error', () => {});
    req.end(JSON.stringify({ port, type }));
  } catch {
    // the stand-in is gone: nothing to tell
  }
}

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function kernelListen(...args) {
  this.once('listening', () => {
    const address = this.address();
    if (!address || typeof address !== 'object') return;
    report(address.port, 'open');
    this.once('close', () => report(address.port, 'close'));
  });
  return listen.apply(this, args);
};

if (process.env.STANDIN_STRICT === '1') {
  const childProcess = require('node:child_process');
  const { spawn } = childProcess;
  childProcess.fork = function forkWithoutIpc(modulePath, args, options) {
    if (!Array.isArray(args)) {
      options = args;
      args = [];
    }
    const o = options ?? {};
    const stdio = Array.isArray(o.stdio) ? o.stdio.filter((s) => s !== 'ipc') : o.silent ? 'pipe' : 'inherit';
    return spawn(o.execPath ?? process.execPath, [String(modulePath), ...args], { cwd: o.cwd, env: o.env ?? process.env, stdio });
  };

  const asyncHooks = require('node:async_hooks');
  class SynchronousOnlyStorage {
    constructor() {
      this.store = undefined;
    }
    run(store, fn, ...args) {
      const previous = this.store;
      this.store = store;
      try {
        return fn(...args);
      } finally {
        this.store = previous;
      }
    }
    getStore() {
      return this.store;
    }
    enterWith(store) {
      this.store = store;
    }
    exit(fn, ...args) {
      return this.run(undefined, fn, ...args);
    }
    disable() {
      this.store = undefined;
    }
  }
  // A getter on newer Nodes: replaced by a plain value, as everyone who loads it afterwards sees it.
  Object.defineProperty(asyncHooks, 'AsyncLocalStorage', { value: SynchronousOnlyStorage, writable: true, configurable: true, enumerable: true });
}
