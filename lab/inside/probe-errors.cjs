// @ts-check
'use strict';
// The probe's error events: a crash of the learner's server (an uncaught exception or an
// unhandled rejection, located in the learner's code by locate.cjs) and a port already in use.
// Event shape: lab/protocol/probe.ts (ServerErrorEvent).

/** @import { Report } from './probe-requests.cjs' */

const path = require('node:path');

/** @type {typeof import('./locate.cjs') | null} without it, errors are reported without a location */
let locate = null;
try {
  locate = require('./locate.cjs');
} catch {
  // a lab folder copied without it must not take the lesson server down
}

/** The probe's own files: never the learner's line, though a WebContainer puts them under the workspace (.lab/). */
const OWN_FILES = ['probe.cjs', 'probe-requests.cjs', 'probe-stores.cjs', 'probe-session.cjs', 'probe-errors.cjs', 'probe-safe.cjs'].map(
  (name) => path.join(__dirname, name),
);
const MAX_STACK = 8000;

/** Each error reported once (a port in use is also thrown when nobody listens for 'error'). */
class ErrorReports {
  /** @param {Report} report @param {string} cwd the workspace, where the learner's files are */
  constructor(report, cwd) {
    this.report = report;
    this.cwd = cwd;
    /** @type {WeakSet<object>} */
    this.reported = new WeakSet();
  }

  /** @param {unknown} err @param {string} origin as `uncaughtExceptionMonitor` gives it */
  crash(err, origin) {
    if (err && typeof err === 'object') {
      if (this.reported.has(err)) return;
      this.reported.add(err);
    }
    const e = /** @type {any} */ (err);
    const stack = String(e?.stack ?? err).slice(0, MAX_STACK);
    const syntax = locate ? locate.isSyntaxError(err) : false;
    const loc = !locate
      ? null
      : syntax
        ? locate.syntaxLocation(stack.split('\n').slice(0, 3).join('\n'), this.cwd)
        : locate.locationFromStack(stack, this.cwd, OWN_FILES);
    this.report({
      type: 'error',
      kind: syntax ? 'syntax' : origin === 'unhandledRejection' ? 'unhandledRejection' : 'uncaught',
      message: err instanceof Error ? err.message : String(err),
      ...(loc ?? {}),
      stack,
    });
  }

  /** @param {unknown} err an http server's 'error' event */
  serverError(err) {
    const e = /** @type {any} */ (err);
    if (!e || e.code !== 'EADDRINUSE') return;
    this.reported.add(e);
    this.report({ type: 'error', kind: 'portInUse', port: e.port, message: String(e.message), stack: String(e.stack ?? '').slice(0, MAX_STACK) });
  }
}

module.exports = { ErrorReports };
