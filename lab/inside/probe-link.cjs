// @ts-check
'use strict';
// The probe's line to the host, whichever the runtime allows: the IPC channel when the host
// forked the server with one (`process.send`), else a localhost HTTP request the host named in
// SESSION_LAB_PROBE (`http://127.0.0.1:<port>/<token>`), which needs nothing but HTTP on
// localhost — what every WebContainer demonstrably has. Either way the messages are the same
// objects (lab/protocol/probe.ts: ProbeMessage up, HostToProbeMessage down). Over HTTP they are
// JSON lines: the request body carries ours, the response body the host's, both open for the
// server's lifetime.

/** @import { ProbeMessage } from '../protocol/probe.ts' */
/** @import { ProbeTransport } from '../protocol/host.ts' */

const http = require('node:http');

/**
 * @typedef {{
 *   kind: ProbeTransport,
 *   send: (message: ProbeMessage) => void,
 *   onMessage: (handler: (message: unknown) => void) => void,
 *   whenReady: (fn: () => void) => void,
 * }} Link
 */

/** The link, or null when the host gave none (then the probe does nothing). @returns {Link | null} */
function openLink() {
  if (typeof process.send === 'function') return ipcLink();
  const url = process.env.SESSION_LAB_PROBE;
  // The learner's app sees the lesson's environment only (and its child processes inherit nothing of ours).
  delete process.env.SESSION_LAB_PROBE;
  return url ? httpLink(url) : null;
}

/** @returns {Link} */
function ipcLink() {
  return {
    kind: 'ipc',
    send(message) {
      if (typeof process.send !== 'function' || !process.connected) return;
      try {
        // With a callback, a closed channel reports to it instead of emitting 'error' on process.
        process.send(message, () => {});
      } catch {
        // e.g. a value that cannot be serialized
      }
    },
    onMessage(handler) {
      process.on('message', handler);
      // The host is gone: nobody can stop this server any more, so it stops itself.
      process.on('disconnect', () => process.exit());
      // Our listeners ref the IPC channel; a script that would end on its own must still end.
      try {
        /** @type {any} */ (process).channel?.unref();
      } catch {
        // no channel object on this Node
      }
    },
    whenReady: (fn) => setImmediate(fn),
  };
}

/** @param {string} url @returns {Link} */
function httpLink(url) {
  /** @type {(message: unknown) => void} */
  let handler = () => {};
  /** @type {(() => void)[]} */
  let waiting = [];
  let connected = false;
  const ready = () => {
    connected = true;
    for (const fn of waiting.splice(0)) setImmediate(fn);
  };
  // The host is gone (its end of the request closed): nobody can stop this server any more.
  const gone = () => process.exit();
  const req = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/x-ndjson' } });
  req.on('response', (res) => {
    // Connected: from now on the link must not keep a server that is done alive.
    req.socket?.unref();
    res.setEncoding('utf8');
    let pending = '';
    res.on('data', (/** @type {string} */ chunk) => {
      pending += chunk;
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        try {
          handler(JSON.parse(line));
        } catch {
          // not a message of ours
        }
      }
    });
    res.on('close', gone);
    ready();
  });
  req.on('error', gone);
  req.flushHeaders();
  return {
    kind: 'http',
    send(message) {
      try {
        req.write(`${JSON.stringify(message)}\n`);
      } catch {
        // e.g. a value that cannot be serialized
      }
    },
    onMessage(next) {
      handler = next;
    },
    // Until the host answered, a crash could not be told: the entry waits for the line.
    whenReady(fn) {
      if (connected) setImmediate(fn);
      else waiting.push(fn);
    },
  };
}

module.exports = { openLink };
