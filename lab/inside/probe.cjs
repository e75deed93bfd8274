// @ts-check
'use strict';
// The probe, in every lesson server: preloaded (`node --require probe.cjs server.js`, forked by
// the host with an IPC channel), or loaded by launch.cjs where neither `--require` nor IPC is
// assumed (a WebContainer; its events then travel over localhost HTTP, see probe-link.cjs). It
// reports what the server does as structured events and must never change what the learner's
// code does: every hook is wrapped so a bug here is swallowed, nothing is replaced that `import`
// could not also see (we patch prototypes and properties, never `module.exports`), and nothing
// keeps the process alive that would not otherwise.
//
// This file puts the probe together; each concern has its module: the requests (probe-requests.cjs),
// the stores (probe-stores.cjs), the express-session hooks (probe-session.cjs), the errors
// (probe-errors.cjs) and the line to the host (probe-link.cjs). Events: lab/protocol/probe.ts.

/** @import { HostToProbeMessage, ProbeLineEvent } from '../protocol/probe.ts' */
/** @import { Link } from './probe-link.cjs' */

const { openLink } = require('./probe-link.cjs');
const { safe } = require('./probe-safe.cjs');
const { Requests, hookServers, defaultListenHost } = require('./probe-requests.cjs');
const { Stores } = require('./probe-stores.cjs');
const { SessionHooks } = require('./probe-session.cjs');
const { ErrorReports } = require('./probe-errors.cjs');

const HEARTBEAT_MS = 500; // a `heartbeat` event this often while the event loop turns

const link = openLink();

/** @param {ProbeLineEvent} event */
function report(event) {
  link?.send({ t: 'probe', event: { ...event, time: Date.now() } });
}

/** @param {Link} link */
function install(link) {
  /** @type {Stores | undefined} */
  let stores;
  const requests = new Requests(report, (store) => stores?.instrument(store));
  stores = new Stores(report, requests);
  const session = new SessionHooks(stores);
  const errors = new ErrorReports(report, process.cwd());

  hookServers(requests, (err) => errors.serverError(err));
  session.hookLoad();
  // The local runner asks for loopback (lab/runner/processes.ts); a WebContainer does not.
  const listenHost = process.env.SESSION_LAB_LISTEN_HOST;
  if (listenHost) safe(() => defaultListenHost(listenHost));
  // The event loop turns: their absence while the process lives is how the host tells a busy
  // server (an endless loop) from a quiet one.
  setInterval(() => report({ type: 'heartbeat' }), HEARTBEAT_MS).unref();

  process.on('uncaughtExceptionMonitor', (err, origin) => safe(() => errors.crash(err, origin)));
  // The link ends the process when the host is gone (nobody could stop this server any more).
  link.onMessage((msg) =>
    safe(() => {
      if (!msg || typeof msg !== 'object') return;
      const m = /** @type {HostToProbeMessage} */ (msg);
      if (m.t === 'verify') link.send({ t: 'verified', id: m.id, ...session.verify(m.value) });
      // The host stops the server this way where signals are not assumed (launch.cjs).
      else if (m.t === 'exit') process.exit(0);
    }),
  );
}

const KEY = Symbol.for('session-lab.probe');
if (link && !(/** @type {any} */ (globalThis)[KEY])) {
  /** @type {any} */ (globalThis)[KEY] = true;
  safe(() => install(link));
}

/** Runs `fn` once the host can hear the probe (launch.cjs starts the entry then). @param {() => void} fn */
function whenReady(fn) {
  if (link) link.whenReady(fn);
  else setImmediate(fn);
}

module.exports = { whenReady };
