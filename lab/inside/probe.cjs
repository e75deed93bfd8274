// @ts-check
'use strict';
// The probe, in every lesson server: preloaded (`node --require probe.cjs server.js`, forked by
// the host with an IPC channel), or loaded by launch.cjs where neither `--require` nor IPC is
// assumed (a WebContainer; its events then travel over localhost HTTP, see probe-link.cjs). It
// reports what the server does as structured events and must
// never change what the learner's code does: every hook is wrapped so a bug here is swallowed,
// nothing is replaced that `import` could not also see (we patch prototypes and properties,
// never `module.exports`), and nothing keeps the process alive that would not otherwise.

const http = require('node:http');
const https = require('node:https');
const net = require('node:net');
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { AsyncLocalStorage } = require('node:async_hooks');
const { openLink } = require('./probe-link.cjs');

/** @type {typeof import('./locate.cjs') | null} without it, errors are reported without a location */
let locate = null;
try {
  locate = require('./locate.cjs');
} catch {
  // a lab folder copied without it must not take the lesson server down
}

const HEADER = 'x-session-lab';
const STORE_OPS = ['get', 'set', 'destroy', 'touch', 'regenerate', 'clear'];
const RESPONSE_WAIT_MS = 1000; // how long a response event waits for its request's store events
const ALL_TIMEOUT_MS = 1000;
const HEARTBEAT_MS = 500; // a `heartbeat` event this often while the event loop turns

/**
 * @typedef {{ requestId: string, browser: string, pending: number, done: boolean, req: http.IncomingMessage,
 *   response?: Record<string, unknown>, timer?: NodeJS.Timeout, internal?: false }} RequestContext
 * @typedef {{ internal: true }} InternalContext
 * @typedef {{ sync: true, read: () => Record<string, unknown> } |
 *   { sync: false, read: (cb: (s: Record<string, unknown>) => void) => void }} ContentsReader
 */

/** @type {AsyncLocalStorage<RequestContext | InternalContext>} */
const als = new AsyncLocalStorage();
const cwd = process.cwd();
const link = openLink();
/** Requests whose response event has not gone yet: a store operation is matched to one of them
 * by its session id when AsyncLocalStorage lost its context (it does across `await` in
 * WebContainers, stackblitz/webcontainer-core#1169). */
/** @type {Set<RequestContext>} */
const inflight = new Set();
/** > 0 while a store's all() runs synchronously: what it calls is its own business. */
let internalDepth = 0;

/** @param {() => void} fn */
function safe(fn) {
  try {
    fn();
  } catch {
    // The probe must never break the learner's server.
  }
}

/** @param {Record<string, unknown>} event */
function send(event) {
  link?.send({ t: 'probe', event: { ...event, time: Date.now() } });
}

/** @param {unknown} value a JSON-shaped copy, as a store would keep it */
function plain(value) {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? null : JSON.parse(text);
  } catch {
    return { unserializable: true };
  }
}

/** @param {unknown} server */
function isHttpServer(server) {
  return server instanceof http.Server || server instanceof https.Server;
}

// ---------------------------------------------------------------------------------------------
// Requests and responses

let previewCount = 0;

/** Reads and removes the correlation header before the app can see it. @param {http.IncomingMessage} req */
function takeCorrelation(req) {
  /** @type {string | undefined} */
  let value;
  const raw = req.rawHeaders;
  if (Array.isArray(raw)) {
    for (let i = raw.length - 2; i >= 0; i -= 2) {
      if (String(raw[i]).toLowerCase() === HEADER) {
        value = String(raw[i + 1]);
        raw.splice(i, 2);
      }
    }
  }
  const headers = req.headers;
  if (headers && HEADER in headers) {
    if (value === undefined) value = String(headers[HEADER]);
    delete headers[HEADER];
  }
  const m = value === undefined ? null : /^([\w-]{1,16})\/([\w.:-]{1,64})$/.exec(value.trim());
  if (m) return { browser: /** @type {string} */ (m[1]), requestId: /** @type {string} */ (m[2]) };
  return { browser: 'preview', requestId: `p${++previewCount}` };
}

/** @param {http.IncomingMessage} req @param {http.ServerResponse} res @returns {RequestContext} */
function onRequest(req, res) {
  const { browser, requestId } = takeCorrelation(req);
  /** @type {RequestContext} */
  const ctx = { requestId, browser, pending: 0, done: false, req };
  inflight.add(ctx);
  send({
    type: 'request',
    requestId,
    browser,
    method: req.method,
    path: req.url,
    cookie: req.headers.cookie ?? null,
  });
  const onEnd = () => safe(() => onResponseEnd(ctx, req, res));
  res.once('finish', onEnd);
  res.once('close', onEnd);
  return ctx;
}

/** @param {unknown} value */
function headerList(value) {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** @param {RequestContext} ctx @param {http.IncomingMessage} req @param {http.ServerResponse} res */
function onResponseEnd(ctx, req, res) {
  if (ctx.done) return;
  ctx.done = true;
  const r = /** @type {http.IncomingMessage & { sessionStore?: object, sessionID?: string }} */ (req);
  // A store that does not extend session.Store never meets the generate trap: catch it here.
  if (r.sessionStore) instrumentStore(r.sessionStore);
  const location = res.getHeader('location');
  ctx.response = {
    type: 'response',
    requestId: ctx.requestId,
    browser: ctx.browser,
    status: res.statusCode,
    setCookie: headerList(res.getHeader('set-cookie')),
    sessionId: typeof r.sessionID === 'string' ? r.sessionID : undefined,
    ...(location !== undefined ? { location: String(location) } : {}),
    ...(res.writableFinished ? {} : { aborted: true }),
  };
  if (ctx.pending === 0) flushResponse(ctx);
  else (ctx.timer = setTimeout(() => flushResponse(ctx), RESPONSE_WAIT_MS)).unref();
}

/** The response event goes after the store events of its request, so a reader can rely on it. @param {RequestContext} ctx */
function flushResponse(ctx) {
  if (!ctx.response) return;
  if (ctx.timer) clearTimeout(ctx.timer);
  const event = ctx.response;
  ctx.response = undefined;
  inflight.delete(ctx);
  send(event);
}

// ---------------------------------------------------------------------------------------------
// Stores

const INSTRUMENTED = Symbol('session-lab.instrumented');
/** @type {Set<Function>} */
const memoryStoreClasses = new Set();

/** @param {any} store */
function isExpressMemoryStore(store) {
  if (!store.sessions || typeof store.sessions !== 'object') return false;
  for (const C of memoryStoreClasses) if (store instanceof C) return true;
  return false;
}

/** session-file-store: readable files, unless they are encrypted. @param {any} store */
function isReadableFileStore(store) {
  const o = store.options;
  return Boolean(
    o && typeof o.path === 'string' && typeof o.fileExtension === 'string' && o.filePattern instanceof RegExp &&
      typeof store.list === 'function' && (o.secret === undefined || o.secret === null),
  );
}

/** @param {any} options */
function readFileStore(options) {
  /** @type {Record<string, unknown>} */
  const out = {};
  /** @type {string[]} */
  let files;
  try {
    files = fs.readdirSync(options.path);
  } catch {
    return out;
  }
  const decode = typeof options.decoder === 'function' ? options.decoder : JSON.parse;
  for (const file of files.sort()) {
    if (!options.filePattern.test(file)) continue;
    const sid = options.fileExtension ? file.slice(0, -options.fileExtension.length) : file;
    try {
      out[sid] = plain(decode(fs.readFileSync(path.join(options.path, file), options.encoding || 'utf8')));
    } catch {
      // a file being replaced right now: skip it
    }
  }
  return out;
}

/** @param {unknown} all what a store's all() gave: an object, an array or a Map */
function normalizeAll(all) {
  /** @type {Record<string, unknown>} */
  const out = {};
  if (all instanceof Map) for (const [k, v] of all) out[String(k)] = plain(v);
  else if (Array.isArray(all)) all.forEach((s, i) => (out[String(s?.id ?? s?.sid ?? i)] = plain(s)));
  else if (all && typeof all === 'object') for (const k of Object.keys(all)) out[k] = plain(/** @type {any} */ (all)[k]);
  return out;
}

/** @param {Map<string, unknown>} shadow */
function fromShadow(shadow) {
  return Object.fromEntries(shadow);
}

/**
 * How to read a store's full contents without side effects where we can.
 * @param {any} store @param {Map<string, unknown>} shadow @returns {ContentsReader}
 */
function contentsReader(store, shadow) {
  if (isExpressMemoryStore(store)) {
    // MemoryStore.all() deletes expired entries: read its JSON strings directly instead.
    return {
      sync: true,
      read: () => {
        /** @type {Record<string, unknown>} */
        const out = {};
        for (const sid of Object.keys(store.sessions)) {
          const v = store.sessions[sid];
          try {
            out[sid] = typeof v === 'string' ? JSON.parse(v) : plain(v);
          } catch {
            out[sid] = { unreadable: true };
          }
        }
        return out;
      },
    };
  }
  if (isReadableFileStore(store)) return { sync: true, read: () => readFileStore(store.options) };
  if (typeof store.all === 'function') {
    return {
      sync: false,
      read: (cb) => {
        let settled = false;
        /** @param {Record<string, unknown>} v */
        const finish = (v) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          cb(v);
        };
        const timer = setTimeout(() => finish(fromShadow(shadow)), ALL_TIMEOUT_MS);
        timer.unref();
        // Ops the store makes inside all() are its own business, not the learner's: not reported.
        als.run({ internal: true }, () => {
          internalDepth++;
          try {
            const r = store.all((/** @type {unknown} */ err, /** @type {unknown} */ all) =>
              safe(() => finish(err ? fromShadow(shadow) : normalizeAll(all))),
            );
            if (r && typeof r.then === 'function') r.then((/** @type {unknown} */ v) => finish(normalizeAll(v)), () => finish(fromShadow(shadow)));
          } catch {
            finish(fromShadow(shadow));
          } finally {
            internalDepth--;
          }
        });
      },
    };
  }
  return { sync: true, read: () => fromShadow(shadow) };
}

/**
 * Instruments a store instance: its operations become own properties that call the original
 * with the same arguments and report once the store answers.
 * @param {any} store
 */
function instrumentStore(store) {
  if (!store || typeof store !== 'object' || store[INSTRUMENTED] || !Object.isExtensible(store)) return;
  Object.defineProperty(store, INSTRUMENTED, { value: true });
  /** @type {Map<string, unknown>} */
  const shadow = new Map();
  /** @type {ContentsReader | undefined} */
  let reader;
  // Chosen lazily: a subclass may set up its fields after the trap fires.
  const getReader = () => (reader ??= contentsReader(store, shadow));
  for (const op of STORE_OPS) {
    safe(() => {
      const original = store[op];
      if (typeof original !== 'function') return;
      const own = Object.getOwnPropertyDescriptor(store, op);
      if (own && !own.configurable) return;
      Object.defineProperty(store, op, {
        value: wrapOperation(op, original, shadow, getReader),
        writable: true,
        configurable: true,
        enumerable: own ? own.enumerable : false,
      });
    });
  }
}

/**
 * @param {string} op @param {Function} original @param {Map<string, unknown>} shadow
 * @param {() => ContentsReader} getReader
 */
function wrapOperation(op, original, shadow, getReader) {
  /** @this {unknown} */
  return function probedStoreOperation(/** @type {any[]} */ ...args) {
    const ctx = contextOf(op, args);
    if (ctx?.internal) return original.apply(this, args);
    /** @type {RequestContext | undefined} */
    const req = ctx;
    const sid = op === 'regenerate' ? args[0]?.sessionID : op === 'clear' ? undefined : args[0];
    let reported = false;
    if (req) req.pending++;
    /** @param {ArrayLike<unknown>} result the store's callback arguments */
    const report = (result) => {
      if (reported) return;
      reported = true;
      safe(() => reportOperation({ op, sid, args, result, shadow, reader: getReader(), req }));
    };
    const cbAt = typeof args[args.length - 1] === 'function' ? args.length - 1 : -1;
    if (cbAt >= 0) {
      const callback = args[cbAt];
      /** @this {unknown} */
      args[cbAt] = function probedStoreCallback() {
        report(arguments);
        return callback.apply(this, arguments);
      };
      return original.apply(this, args);
    }
    // No callback (a promise-style store): we must not touch its promise (attaching handlers
    // changes unhandled-rejection behaviour), so report on the next turn.
    try {
      const value = original.apply(this, args);
      setImmediate(() => report([]));
      return value;
    } catch (err) {
      report([err]);
      throw err;
    }
  };
}

/**
 * The request a store operation belongs to: AsyncLocalStorage's, else (its context lost) the most
 * recent request in flight that carries the operation's session (regenerate passes the request).
 * @param {string} op @param {any[]} args @returns {RequestContext | InternalContext | undefined}
 */
function contextOf(op, args) {
  const stored = als.getStore();
  if (stored) return stored;
  if (internalDepth > 0) return { internal: true };
  /** @type {RequestContext | undefined} */
  let found;
  if (op === 'regenerate') {
    for (const ctx of inflight) if (ctx.req === args[0]) found = ctx;
    return found;
  }
  const sid = args[0];
  if (typeof sid !== 'string') return undefined;
  for (const ctx of inflight) if (/** @type {any} */ (ctx.req).sessionID === sid) found = ctx;
  return found;
}

/**
 * @param {{ op: string, sid: unknown, args: any[], result: ArrayLike<any>, shadow: Map<string, unknown>,
 *   reader: ContentsReader, req: RequestContext | undefined }} o
 */
function reportOperation({ op, sid, args, result, shadow, reader, req }) {
  const err = result[0];
  const key = typeof sid === 'string' ? sid : undefined;
  if (!err && key !== undefined) {
    if (op === 'set') shadow.set(key, plain(args[1]));
    else if (op === 'touch' && shadow.has(key)) shadow.set(key, plain(args[1]));
    else if (op === 'destroy') shadow.delete(key);
    else if (op === 'get') {
      if (result[1]) shadow.set(key, plain(result[1]));
      else shadow.delete(key);
    }
  }
  if (!err && op === 'clear') shadow.clear();
  const base = {
    type: 'store',
    ...(req ? { requestId: req.requestId } : {}),
    op,
    // regenerate answers after express-session has put the new id on the request.
    sessionId: op === 'regenerate' ? args[0]?.sessionID : key,
    ...(op === 'regenerate' ? { previousSessionId: key } : {}),
    ...(op === 'get' && !err ? { found: Boolean(result[1]) } : {}),
    ...(err ? { error: String(err?.message ?? err) } : {}),
  };
  /** @param {Record<string, unknown>} sessions */
  const emit = (sessions) => {
    send({ ...base, sessions });
    if (req && --req.pending === 0 && req.response) flushResponse(req);
  };
  if (reader.sync) emit(reader.read());
  else reader.read(emit);
}

// ---------------------------------------------------------------------------------------------
// express-session and cookie-signature

/** @type {Set<unknown>} */
const patchedModules = new Set();
/** @type {unknown[]} secrets seen in use; kept here only to answer verify, never sent */
const secrets = [];
/** @type {Function[]} the original unsign of each patched cookie-signature copy */
const unsigners = [];

/** @param {unknown} secret */
function remember(secret) {
  if (secret === undefined || secret === null || secrets.includes(secret) || secrets.length >= 16) return;
  secrets.push(secret);
}

/** @param {any} sig the cookie-signature module express-session uses */
function patchSignature(sig) {
  if (!sig || patchedModules.has(sig) || typeof sig.unsign !== 'function') return;
  patchedModules.add(sig);
  const { sign, unsign } = sig;
  // express-session calls signature.sign/unsign as properties at call time, so this is seen.
  if (typeof sign === 'function') {
    sig.sign = function sign_(/** @type {unknown} */ _val, /** @type {unknown} */ secret) {
      safe(() => remember(secret));
      return sign.apply(this, arguments);
    };
  }
  sig.unsign = function unsign_(/** @type {unknown} */ _input, /** @type {unknown} */ secret) {
    safe(() => remember(secret));
    return unsign.apply(this, arguments);
  };
  unsigners.push(unsign);
}

/**
 * The trap: express-session's `session()` does `store.generate = fn` on whatever store it is
 * given, so an accessor on Store.prototype meets every store that extends it.
 * @param {any} proto
 */
function trapGenerate(proto) {
  const own = Object.getOwnPropertyDescriptor(proto, 'generate');
  if (own && !own.configurable) return;
  Object.defineProperty(proto, 'generate', {
    configurable: true,
    enumerable: false,
    get() {
      return own ? (own.get ? own.get.call(this) : own.value) : undefined;
    },
    set(value) {
      if (this !== proto) safe(() => instrumentStore(this));
      Object.defineProperty(this, 'generate', { value, writable: true, enumerable: true, configurable: true });
    },
  });
}

/** @param {any} es express-session's exports @param {string | undefined} filename */
function patchExpressSession(es, filename) {
  if (patchedModules.has(es)) return;
  patchedModules.add(es);
  if (typeof es.MemoryStore === 'function') memoryStoreClasses.add(es.MemoryStore);
  trapGenerate(es.Store.prototype);
  if (filename) {
    safe(() => {
      const sigPath = require.resolve('cookie-signature', { paths: [path.dirname(filename)] });
      patchSignature(require(sigPath));
    });
  }
}

/** @param {any} exp */
function looksLikeExpressSession(exp) {
  return typeof exp === 'function' && typeof exp.Store === 'function' && typeof exp.MemoryStore === 'function' &&
    typeof exp.Session === 'function' && typeof exp.Cookie === 'function';
}

/** @param {unknown} value a cookie value as sent, URL-encoded or not */
function verify(value) {
  if (secrets.length === 0) return { signature: 'unknown' };
  let v = String(value ?? '').trim();
  if (v.includes('%')) {
    try {
      v = decodeURIComponent(v);
    } catch {
      // express-session keeps a value it cannot decode as it is; so do we
    }
  }
  if (!v.startsWith('s:')) return { signature: 'invalid' };
  for (const unsign of unsigners) {
    for (const secret of secrets) {
      try {
        const id = unsign(v.slice(2), secret);
        if (id !== false) return { signature: 'valid', sessionId: id };
      } catch {
        // a secret type this copy does not accept
      }
    }
  }
  return { signature: 'invalid' };
}

// ---------------------------------------------------------------------------------------------
// Errors

/** @type {WeakSet<object>} */
const reportedErrors = new WeakSet();

/** @param {unknown} err @param {string} origin */
function reportCrash(err, origin) {
  if (err && typeof err === 'object') {
    if (reportedErrors.has(err)) return;
    reportedErrors.add(err);
  }
  const e = /** @type {any} */ (err);
  const stack = String(e?.stack ?? err).slice(0, 8000);
  const syntax = locate ? locate.isSyntaxError(err) : false;
  const loc = !locate
    ? null
    : syntax
      ? locate.syntaxLocation(stack.split('\n').slice(0, 3).join('\n'), cwd)
      : locate.locationFromStack(stack, cwd, [__filename]);
  send({
    type: 'error',
    kind: syntax ? 'syntax' : origin === 'unhandledRejection' ? 'unhandledRejection' : 'uncaught',
    message: err instanceof Error ? err.message : String(err),
    ...(loc ?? {}),
    stack,
  });
}

/** @param {unknown} err an http server's 'error' event */
function onServerError(err) {
  const e = /** @type {any} */ (err);
  if (!e || e.code !== 'EADDRINUSE') return;
  reportedErrors.add(e);
  send({ type: 'error', kind: 'portInUse', port: e.port, message: String(e.message), stack: String(e.stack ?? '').slice(0, 8000) });
}

// ---------------------------------------------------------------------------------------------
// Liveness and listening

/** The event loop turns: a `heartbeat` event every HEARTBEAT_MS. Their absence while the process
 * lives is how the host tells a busy server (an endless loop) from a quiet one. */
function startHeartbeat() {
  setInterval(() => send({ type: 'heartbeat' }), HEARTBEAT_MS).unref();
}

/**
 * `listen` arguments with `host` added when they name no host and no path (what `app.listen(PORT)`
 * gives): on the local runner a lesson server is not reachable from the network. A host the
 * learner named (`'0.0.0.0'`, `'::'`) is kept.
 * @param {unknown[]} args @param {string} host @returns {unknown[]}
 */
function withDefaultHost(args, host) {
  const [first, ...rest] = args;
  if (first !== null && typeof first === 'object') {
    const o = /** @type {Record<string, unknown>} */ (first);
    // A handle, a file descriptor or a socket path: not a TCP address.
    if (o.host !== undefined || o.path !== undefined || o.fd !== undefined || o._handle !== undefined || o.handle !== undefined) return args;
    if (first instanceof net.Server || first instanceof net.Socket) return args;
    return [{ ...o, host }, ...rest];
  }
  if (typeof first === 'function') return [0, host, ...args];
  if (typeof first === 'string' && !/^\d+$/.test(first)) return args; // a socket path
  if (typeof rest[0] === 'string') return args; // a host named
  return [first ?? 0, host, ...rest];
}

/** @param {string} host */
function defaultListenHost(host) {
  const proto = /** @type {any} */ (net.Server.prototype);
  const listen = proto.listen;
  Object.defineProperty(proto, 'listen', {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function probedListen(/** @type {unknown[]} */ ...args) {
      let actual = args;
      safe(() => (actual = withDefaultHost(args, host)));
      return listen.apply(this, actual);
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Installation

function install() {
  const proto = /** @type {any} */ (net.Server.prototype);
  Object.defineProperty(proto, 'emit', {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function probedEmit(/** @type {string | symbol} */ name) {
      // Looked up at call time, so a later patch of EventEmitter.prototype.emit still applies.
      const emit = Object.getPrototypeOf(proto).emit;
      if (isHttpServer(this)) {
        if (name === 'request') {
          /** @type {RequestContext | undefined} */
          let ctx;
          safe(() => (ctx = onRequest(arguments[1], arguments[2])));
          if (ctx) return als.run(ctx, () => emit.apply(this, arguments));
        } else if (name === 'listening') {
          safe(() => {
            const addr = this.address();
            if (addr && typeof addr === 'object') send({ type: 'listening', port: addr.port, address: addr.address });
          });
        } else if (name === 'error') {
          safe(() => onServerError(arguments[1]));
        }
      }
      return emit.apply(this, arguments);
    },
  });

  // express-session may be loaded by require, by import (which goes through Module._load too),
  // or not at all (the install lesson starts without it): patch it whenever it shows up.
  const M = /** @type {any} */ (Module);
  const load = M._load;
  M._load = function probedLoad(/** @type {string} */ request, /** @type {any} */ parent, /** @type {boolean} */ isMain) {
    const exp = load.apply(this, arguments);
    safe(() => {
      if (!looksLikeExpressSession(exp) || patchedModules.has(exp)) return;
      /** @type {string | undefined} */
      let filename;
      safe(() => (filename = M._resolveFilename(request, parent, isMain)));
      patchExpressSession(exp, filename);
    });
    return exp;
  };

  // The local runner asks for loopback (lab/runner/processes.ts); a WebContainer does not.
  const listenHost = process.env.SESSION_LAB_LISTEN_HOST;
  if (listenHost) safe(() => defaultListenHost(listenHost));
  startHeartbeat();

  process.on('uncaughtExceptionMonitor', (err, origin) => safe(() => reportCrash(err, origin)));
  // The link ends the process when the host is gone (nobody could stop this server any more).
  link?.onMessage((msg) =>
    safe(() => {
      const m = /** @type {any} */ (msg);
      if (!m || typeof m !== 'object') return;
      if (m.t === 'verify') link?.send({ t: 'verified', id: m.id, ...verify(m.value) });
      // The host stops the server this way where signals are not assumed (launch.cjs).
      else if (m.t === 'exit') process.exit(0);
    }),
  );
}

const KEY = Symbol.for('session-lab.probe');
if (link && !(/** @type {any} */ (globalThis)[KEY])) {
  /** @type {any} */ (globalThis)[KEY] = true;
  safe(install);
}

/** Runs `fn` once the host can hear the probe (launch.cjs starts the entry then). @param {() => void} fn */
function whenReady(fn) {
  if (link) link.whenReady(fn);
  else setImmediate(fn);
}

module.exports = { whenReady };
