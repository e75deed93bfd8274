// @ts-check
'use strict';
// The probe's express-session hooks: express-session is patched whenever it is loaded (by
// require, by import, or not at all: the install lesson starts without it), so that every store
// it is given is instrumented (probe-stores.cjs), and the secrets it signs with are remembered —
// kept here only to verify a cookie's signature for the host, never sent.

/** @import { VerifyResult } from '../protocol/probe.ts' */
/** @import { Stores } from './probe-stores.cjs' */

const path = require('node:path');
const Module = require('node:module');
const { safe } = require('./probe-safe.cjs');

const MAX_SECRETS = 16;

/**
 * The trap: express-session's `session()` does `store.generate = fn` on whatever store it is
 * given, so an accessor on Store.prototype meets every store that extends it.
 * @param {any} proto @param {(store: object) => void} onStore
 */
function trapGenerate(proto, onStore) {
  const own = Object.getOwnPropertyDescriptor(proto, 'generate');
  if (own && !own.configurable) return;
  Object.defineProperty(proto, 'generate', {
    configurable: true,
    enumerable: false,
    get() {
      return own ? (own.get ? own.get.call(this) : own.value) : undefined;
    },
    set(value) {
      if (this !== proto) safe(() => onStore(this));
      Object.defineProperty(this, 'generate', { value, writable: true, enumerable: true, configurable: true });
    },
  });
}

/** @param {any} exp */
function looksLikeExpressSession(exp) {
  return typeof exp === 'function' && typeof exp.Store === 'function' && typeof exp.MemoryStore === 'function' &&
    typeof exp.Session === 'function' && typeof exp.Cookie === 'function';
}

/** @param {unknown} value a cookie value as sent, URL-encoded or not */
function cookieValue(value) {
  const v = String(value ?? '').trim();
  if (!v.includes('%')) return v;
  try {
    return decodeURIComponent(v);
  } catch {
    return v; // express-session keeps a value it cannot decode as it is; so do we
  }
}

/** express-session and the cookie-signature copy each copy of it uses. */
class SessionHooks {
  /** @param {Stores} stores */
  constructor(stores) {
    this.stores = stores;
    /** @type {Set<unknown>} */
    this.patchedModules = new Set();
    /** @type {unknown[]} secrets seen in use */
    this.secrets = [];
    /** @type {Function[]} the original unsign of each patched cookie-signature copy */
    this.unsigners = [];
  }

  /** Patches express-session when it is loaded (`import` goes through Module._load too). */
  hookLoad() {
    const M = /** @type {any} */ (Module);
    const load = M._load;
    const hooks = this;
    M._load = function probedLoad(/** @type {string} */ request, /** @type {any} */ parent, /** @type {boolean} */ isMain) {
      const exp = load.apply(this, arguments);
      safe(() => {
        if (!looksLikeExpressSession(exp) || hooks.patchedModules.has(exp)) return;
        /** @type {string | undefined} */
        let filename;
        safe(() => (filename = M._resolveFilename(request, parent, isMain)));
        hooks.patchExpressSession(exp, filename);
      });
      return exp;
    };
  }

  /** @param {any} es express-session's exports @param {string | undefined} filename */
  patchExpressSession(es, filename) {
    if (this.patchedModules.has(es)) return;
    this.patchedModules.add(es);
    if (typeof es.MemoryStore === 'function') this.stores.memoryStoreClasses.add(es.MemoryStore);
    trapGenerate(es.Store.prototype, (store) => this.stores.instrument(store));
    if (filename) {
      safe(() => {
        const sigPath = require.resolve('cookie-signature', { paths: [path.dirname(filename)] });
        this.patchSignature(require(sigPath));
      });
    }
  }

  /** @param {unknown} secret */
  remember(secret) {
    const { secrets } = this;
    if (secret === undefined || secret === null || secrets.includes(secret) || secrets.length >= MAX_SECRETS) return;
    secrets.push(secret);
  }

  /** @param {any} sig the cookie-signature module express-session uses */
  patchSignature(sig) {
    if (!sig || this.patchedModules.has(sig) || typeof sig.unsign !== 'function') return;
    this.patchedModules.add(sig);
    const { sign, unsign } = sig;
    const hooks = this;
    // express-session calls signature.sign/unsign as properties at call time, so this is seen.
    if (typeof sign === 'function') {
      sig.sign = function sign_(/** @type {unknown} */ _val, /** @type {unknown} */ secret) {
        safe(() => hooks.remember(secret));
        return sign.apply(this, arguments);
      };
    }
    sig.unsign = function unsign_(/** @type {unknown} */ _input, /** @type {unknown} */ secret) {
      safe(() => hooks.remember(secret));
      return unsign.apply(this, arguments);
    };
    this.unsigners.push(unsign);
  }

  /** A cookie value's signature, judged by the secrets the server used. @param {unknown} value @returns {VerifyResult} */
  verify(value) {
    if (this.secrets.length === 0) return { signature: 'unknown' };
    const v = cookieValue(value);
    if (!v.startsWith('s:')) return { signature: 'invalid' };
    for (const unsign of this.unsigners) {
      for (const secret of this.secrets) {
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
}

module.exports = { SessionHooks };
