// The stand-in's /headless page: the Comlink side of the WebContainer iframe (see standin.ts for
// what is modelled and where it comes from). It answers the package's calls by asking the
// stand-in's Node side over HTTP, and relays that side's events (output, exits, ports, file
// watches) to the listeners the package passed, which are Comlink proxies themselves.
import * as Comlink from '/comlink.mjs';

const encoder = new TextEncoder();

/** One instance per `build` (the package builds once per boot). */
async function build({ workdirName }) {
  const answer = await (await fetch('/api/build', { method: 'POST', body: JSON.stringify({ workdirName }) })).json();
  const { id, cwd, path } = answer;
  const call = async (op, args = {}) => {
    const response = await fetch(`/api/${id}/${op}`, { method: 'POST', body: JSON.stringify(args) });
    const body = await response.json();
    if (body.error) throw Object.assign(new Error(body.error.message), body.error.code ? { code: body.error.code } : {});
    return body.result;
  };

  const processes = new Map(); // pid → { output, resolveExit }
  // A process's first events can beat the answer to `run` (a command that fails at once): kept until it is known.
  const early = new Map(); // pid → events
  const listeners = { port: new Set(), 'server-ready': new Set(), error: new Set(), 'preview-message': new Set(), 'xdg-open': new Set(), code: new Set() };
  const watchers = new Map(); // id → listener
  const quietly = (promise) => Promise.resolve(promise).catch(() => {});

  // The event stream is the instance's life line: the Node side ends the instance when it closes
  // (the iframe went away). Opened before `build` answers, so no event is missed.
  const stream = new EventSource(`/api/${id}/events`);
  await new Promise((open, fail) => {
    stream.onopen = () => open();
    stream.onerror = () => fail(new Error('the stand-in did not answer'));
  });
  stream.onerror = null;
  const dispatch = (event) => {
    if ((event.t === 'output' || event.t === 'exit') && !processes.has(event.pid)) {
      early.set(event.pid, [...(early.get(event.pid) ?? []), event]);
      return;
    }
    if (event.t === 'output') {
      const proc = processes.get(event.pid);
      if (proc?.output) quietly(proc.output(encoder.encode(event.data)));
    } else if (event.t === 'exit') {
      const proc = processes.get(event.pid);
      if (!proc) return;
      processes.delete(event.pid);
      if (proc.output) quietly(proc.output(null)); // ends the package's output stream
      proc.resolveExit(event.code);
    } else if (event.t === 'port') {
      for (const listener of listeners.port) quietly(listener(event.port, event.type, event.url));
    } else if (event.t === 'server-ready') {
      for (const listener of listeners['server-ready']) quietly(listener(event.port, event.url));
    } else if (event.t === 'watch') {
      const listener = watchers.get(event.id);
      if (listener) quietly(listener(event.event, event.filename));
    }
  };
  stream.onmessage = (message) => dispatch(JSON.parse(message.data));

  const fs = {
    async readFile(path, encoding) {
      const result = await call('readFile', { path, encoding: encoding ?? null });
      if (encoding) return result.text;
      const bytes = Uint8Array.from(atob(result.base64), (c) => c.charCodeAt(0));
      return Comlink.transfer(bytes, [bytes.buffer]);
    },
    async writeFile(path, data, _options) {
      if (typeof data === 'string') return call('writeFile', { path, text: data });
      let binary = '';
      for (const byte of data) binary += String.fromCharCode(byte);
      return call('writeFile', { path, base64: btoa(binary) });
    },
    mkdir: (path, options) => call('mkdir', { path, recursive: Boolean(options?.recursive) }),
    readdir: (path, options) => call('readdir', { path, withFileTypes: typeof options === 'object' && options !== null && Boolean(options.withFileTypes) }),
    rm: (path, options) => call('rm', { path, recursive: Boolean(options?.recursive), force: Boolean(options?.force) }),
    rename: (oldPath, newPath) => call('rename', { path: oldPath, newPath }),
    async watch(path, options, listener) {
      const recursive = typeof options === 'object' && options !== null && Boolean(options.recursive);
      const watcherId = await call('watch', { path, recursive });
      watchers.set(watcherId, listener);
      return Comlink.proxy({
        close: async () => {
          watchers.delete(watcherId);
          await call('unwatch', { id: watcherId });
        },
      });
    },
  };

  const instance = {
    fs: () => Comlink.proxy(fs),
    previewScript: () => '',
    runtimeInfo: () => ({ path, cwd }),
    setPreviewScript: async () => {},
    setCredentials: async () => {},
    async loadFiles(bytes, options) {
      const mountPoint = options?.mountPoints ? `?mountPoint=${encodeURIComponent(options.mountPoints)}` : '';
      const response = await fetch(`/api/${id}/load${mountPoint}`, { method: 'POST', body: bytes });
      if (!response.ok) throw new Error(`loadFiles failed: ${response.status}`);
    },
    async run(options, stdout, stderr, output) {
      const pid = await call('run', { command: options.command, args: options.args ?? [], cwd: options.cwd, env: options.env });
      let resolveExit;
      const onExit = new Promise((resolve) => (resolveExit = resolve));
      // 1.6.x asks for `output` only (stdout and stderr merged); the others are kept if given.
      processes.set(pid, { output: output ?? stdout ?? stderr, resolveExit });
      for (const event of early.get(pid) ?? []) dispatch(event);
      early.delete(pid);
      return Comlink.proxy({
        onExit,
        write: (data) => call('input', { pid, data: String(data) }),
        kill: () => quietly(call('kill', { pid })),
        resize: (dimensions) => quietly(call('resize', { pid, ...dimensions })),
      });
    },
    on(event, listener) {
      const set = listeners[event] ?? (listeners[event] = new Set());
      set.add(listener);
      return Comlink.proxy(() => set.delete(listener));
    },
    async teardown() {
      stream.close();
      await call('teardown').catch(() => {});
    },
  };
  return Comlink.proxy(instance);
}

const { port1, port2 } = new MessageChannel();
Comlink.expose({ build }, port1);
parent.postMessage({ type: 'init' }, '*', [port2]);
