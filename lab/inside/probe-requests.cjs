// @ts-check
'use strict';
// The probe's requests: the hooks on every http(s) server (a request, `listening`, a server
// error), the correlation header taken off before the app can see it, and the request and
// response events. A response event waits for its request's store events (probe-stores.cjs
// counts them here), so a reader can rely on the order. Event shapes: lab/protocol/probe.ts.

/** @import { ProbeLineEvent, ResponseEvent } from '../protocol/probe.ts' */

const http = require('node:http');
const https = require('node:https');
const net = require('node:net');
const { AsyncLocalStorage } = require('node:async_hooks');
const { safe } = require('./probe-safe.cjs');

/** @type {typeof import('../protocol/probe.ts').CORRELATION_HEADER} */
const HEADER = 'x-session-lab';
const RESPONSE_WAIT_MS = 1000; // how long a response event waits for its request's store events

/**
 * @typedef {{ requestId: string, browser: string, pending: number, done: boolean, req: http.IncomingMessage,
 *   response?: ResponseEvent, timer?: NodeJS.Timeout, internal?: false }} RequestContext
 * @typedef {{ internal: true }} InternalContext a store's own operations (inside its all())
 * @typedef {(event: ProbeLineEvent) => void} Report sends one event to the host
 */

/** Reads and removes the correlation header. @param {http.IncomingMessage} req @returns {{ browser: string, requestId: string } | null} */
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
  return m ? { browser: /** @type {string} */ (m[1]), requestId: /** @type {string} */ (m[2]) } : null;
}

/** @param {unknown} value */
function headerList(value) {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** The requests in flight, and the context store operations find them by. */
class Requests {
  /** @param {Report} report @param {(store: object) => void} onSessionStore a request's `req.sessionStore`, at its end */
  constructor(report, onSessionStore) {
    this.report = report;
    this.onSessionStore = onSessionStore;
    /** @type {AsyncLocalStorage<RequestContext | InternalContext>} */
    this.als = new AsyncLocalStorage();
    /** Requests whose response event has not gone yet: a store operation is matched to one of them
     * by its session id when AsyncLocalStorage lost its context (it does across `await` in
     * WebContainers, stackblitz/webcontainer-core#1169). @type {Set<RequestContext>} */
    this.inflight = new Set();
    this.previewCount = 0;
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res @returns {RequestContext} */
  begin(req, res) {
    const { browser, requestId } = takeCorrelation(req) ?? { browser: 'preview', requestId: `p${++this.previewCount}` };
    /** @type {RequestContext} */
    const ctx = { requestId, browser, pending: 0, done: false, req };
    this.inflight.add(ctx);
    this.report({
      type: 'request',
      requestId,
      browser,
      // A request an http.Server emits always has both (Node's docs: "only valid for request obtained from http.Server").
      method: /** @type {string} */ (req.method),
      path: /** @type {string} */ (req.url),
      cookie: req.headers.cookie ?? null,
    });
    const onEnd = () => safe(() => this.end(ctx, req, res));
    res.once('finish', onEnd);
    res.once('close', onEnd);
    return ctx;
  }

  /** @param {RequestContext} ctx @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  end(ctx, req, res) {
    if (ctx.done) return;
    ctx.done = true;
    const r = /** @type {http.IncomingMessage & { sessionStore?: object, sessionID?: string }} */ (req);
    // A store that does not extend session.Store never meets the generate trap: catch it here.
    if (r.sessionStore) this.onSessionStore(r.sessionStore);
    const location = res.getHeader('location');
    ctx.response = {
      type: 'response',
      requestId: ctx.requestId,
      browser: ctx.browser,
      status: res.statusCode,
      setCookie: headerList(res.getHeader('set-cookie')),
      sessionId: typeof r.sessionID === 'string' ? r.sessionID : undefined,
      ...(location !== undefined ? { location: String(location) } : {}),
      ...(res.writableFinished ? {} : { aborted: /** @type {const} */ (true) }),
    };
    if (ctx.pending === 0) this.flush(ctx);
    else (ctx.timer = setTimeout(() => this.flush(ctx), RESPONSE_WAIT_MS)).unref();
  }

  /** The response event goes after the store events of its request. @param {RequestContext} ctx */
  flush(ctx) {
    if (!ctx.response) return;
    if (ctx.timer) clearTimeout(ctx.timer);
    const event = ctx.response;
    ctx.response = undefined;
    this.inflight.delete(ctx);
    this.report(event);
  }

  /** One of the request's store events went. @param {RequestContext} ctx */
  storeReported(ctx) {
    if (--ctx.pending === 0 && ctx.response) this.flush(ctx);
  }

  /** The most recent request in flight whose `req` matches. @param {(req: http.IncomingMessage) => boolean} match */
  latest(match) {
    /** @type {RequestContext | undefined} */
    let found;
    for (const ctx of this.inflight) if (match(ctx.req)) found = ctx;
    return found;
  }
}

/** @param {unknown} server */
function isHttpServer(server) {
  return server instanceof http.Server || server instanceof https.Server;
}

/**
 * Hooks every http(s) server's events: a request runs in its context, `listening` and a port
 * in use are reported.
 * @param {Requests} requests @param {(err: unknown) => void} onServerError
 */
function hookServers(requests, onServerError) {
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
          safe(() => (ctx = requests.begin(arguments[1], arguments[2])));
          if (ctx) return requests.als.run(ctx, () => emit.apply(this, arguments));
        } else if (name === 'listening') {
          safe(() => {
            const addr = this.address();
            if (addr && typeof addr === 'object') requests.report({ type: 'listening', port: addr.port, address: addr.address });
          });
        } else if (name === 'error') {
          safe(() => onServerError(arguments[1]));
        }
      }
      return emit.apply(this, arguments);
    },
  });
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

module.exports = { Requests, hookServers, defaultListenHost };
