// @ts-check
'use strict';
// The probe's stores: each session store's operations wrapped as own properties of the instance
// (same arguments, same answer), a store event once the store answers, with the store's full
// contents read without side effects where we can. Event shape: lab/protocol/probe.ts (StoreEvent).

/** @import { StoreEvent, StoreOp } from '../protocol/probe.ts' */
/** @import { Report, RequestContext, InternalContext, Requests } from './probe-requests.cjs' */

const fs = require('node:fs');
const path = require('node:path');
const { safe } = require('./probe-safe.cjs');

/** @type {readonly StoreOp[]} */
const STORE_OPS = ['get', 'set', 'destroy', 'touch', 'regenerate', 'clear'];
const ALL_TIMEOUT_MS = 1000;
const INSTRUMENTED = Symbol('session-lab.instrumented');

/**
 * @typedef {{ sync: true, read: () => Record<string, unknown> } |
 *   { sync: false, read: (cb: (s: Record<string, unknown>) => void) => void }} ContentsReader
 */

/** @param {unknown} value a JSON-shaped copy, as a store would keep it */
function plain(value) {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? null : JSON.parse(text);
  } catch {
    return { unserializable: true };
  }
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

/** MemoryStore.all() deletes expired entries: its JSON strings are read directly instead. @param {any} store */
function readMemoryStore(store) {
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

/** What the probe saw the store hold, for a store it cannot read. @param {Map<string, unknown>} shadow */
function fromShadow(shadow) {
  return Object.fromEntries(shadow);
}

/**
 * The shadow follows what an operation answered.
 * @param {Map<string, unknown>} shadow @param {StoreOp} op @param {string | undefined} key @param {any[]} args
 * @param {ArrayLike<any>} result the store's callback arguments
 */
function updateShadow(shadow, op, key, args, result) {
  if (result[0]) return;
  if (key !== undefined) {
    if (op === 'set') shadow.set(key, plain(args[1]));
    else if (op === 'touch' && shadow.has(key)) shadow.set(key, plain(args[1]));
    else if (op === 'destroy') shadow.delete(key);
    else if (op === 'get') {
      if (result[1]) shadow.set(key, plain(result[1]));
      else shadow.delete(key);
    }
  }
  if (op === 'clear') shadow.clear();
}

/** Every store the learner's server uses, instrumented once. */
class Stores {
  /** @param {Report} report @param {Requests} requests */
  constructor(report, requests) {
    this.report = report;
    this.requests = requests;
    /** express-session's MemoryStore, from each copy of it loaded. @type {Set<Function>} */
    this.memoryStoreClasses = new Set();
    /** > 0 while a store's all() runs synchronously: what it calls is its own business. */
    this.internalDepth = 0;
  }

  /**
   * Instruments a store instance: its operations become own properties that call the original
   * with the same arguments and report once the store answers.
   * @param {any} store
   */
  instrument(store) {
    if (!store || typeof store !== 'object' || store[INSTRUMENTED] || !Object.isExtensible(store)) return;
    Object.defineProperty(store, INSTRUMENTED, { value: true });
    /** @type {Map<string, unknown>} */
    const shadow = new Map();
    /** @type {ContentsReader | undefined} */
    let reader;
    // Chosen lazily: a subclass may set up its fields after the trap fires.
    const getReader = () => (reader ??= this.contentsReader(store, shadow));
    for (const op of STORE_OPS) {
      safe(() => {
        const original = store[op];
        if (typeof original !== 'function') return;
        const own = Object.getOwnPropertyDescriptor(store, op);
        if (own && !own.configurable) return;
        Object.defineProperty(store, op, {
          value: this.wrap(op, original, shadow, getReader),
          writable: true,
          configurable: true,
          enumerable: own ? own.enumerable : false,
        });
      });
    }
  }

  /**
   * How to read a store's full contents without side effects where we can.
   * @param {any} store @param {Map<string, unknown>} shadow @returns {ContentsReader}
   */
  contentsReader(store, shadow) {
    const isMemoryStore = store.sessions && typeof store.sessions === 'object' && [...this.memoryStoreClasses].some((C) => store instanceof C);
    if (isMemoryStore) return { sync: true, read: () => readMemoryStore(store) };
    if (isReadableFileStore(store)) return { sync: true, read: () => readFileStore(store.options) };
    if (typeof store.all === 'function') return { sync: false, read: (cb) => this.readAll(store, shadow, cb) };
    return { sync: true, read: () => fromShadow(shadow) };
  }

  /**
   * A store's all(), bounded in time; the shadow when it fails.
   * @param {any} store @param {Map<string, unknown>} shadow @param {(s: Record<string, unknown>) => void} cb
   */
  readAll(store, shadow, cb) {
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
    this.requests.als.run({ internal: true }, () => {
      this.internalDepth++;
      try {
        const r = store.all((/** @type {unknown} */ err, /** @type {unknown} */ all) =>
          safe(() => finish(err ? fromShadow(shadow) : normalizeAll(all))),
        );
        if (r && typeof r.then === 'function') r.then((/** @type {unknown} */ v) => finish(normalizeAll(v)), () => finish(fromShadow(shadow)));
      } catch {
        finish(fromShadow(shadow));
      } finally {
        this.internalDepth--;
      }
    });
  }

  /**
   * @param {StoreOp} op @param {Function} original @param {Map<string, unknown>} shadow
   * @param {() => ContentsReader} getReader
   */
  wrap(op, original, shadow, getReader) {
    const stores = this;
    /** @this {unknown} */
    return function probedStoreOperation(/** @type {any[]} */ ...args) {
      const ctx = stores.contextOf(op, args);
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
        safe(() => stores.reportOperation({ op, sid, args, result, shadow, reader: getReader(), req }));
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
   * @param {StoreOp} op @param {any[]} args @returns {RequestContext | InternalContext | undefined}
   */
  contextOf(op, args) {
    const stored = this.requests.als.getStore();
    if (stored) return stored;
    if (this.internalDepth > 0) return { internal: true };
    if (op === 'regenerate') return this.requests.latest((req) => req === args[0]);
    const sid = args[0];
    if (typeof sid !== 'string') return undefined;
    return this.requests.latest((req) => /** @type {any} */ (req).sessionID === sid);
  }

  /**
   * @param {{ op: StoreOp, sid: unknown, args: any[], result: ArrayLike<any>, shadow: Map<string, unknown>,
   *   reader: ContentsReader, req: RequestContext | undefined }} o
   */
  reportOperation({ op, sid, args, result, shadow, reader, req }) {
    const err = result[0];
    const key = typeof sid === 'string' ? sid : undefined;
    updateShadow(shadow, op, key, args, result);
    /** @type {Omit<StoreEvent, 'sessions'>} */
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
      this.report({ ...base, sessions });
      if (req) this.requests.storeReported(req);
    };
    if (reader.sync) emit(reader.read());
    else reader.read(emit);
  }
}

module.exports = { Stores };
