// @ts-check
// A lesson server started ahead of time (see standby.mjs): Node is up, the probe is loaded
// (--require) and the packages nearly every lesson requires are already in the module cache.
// On the host's { t: 'run', entry, env } it runs the entry exactly as `node entry` would:
// Module.runMain decides CommonJS or ES module, sets require.main, and an error while loading is
// printed and ends the process with the same code.
'use strict';

/** @import { StandbyMessage } from '../protocol/probe.ts' */

const Module = require('node:module');
const { join, resolve } = require('node:path');

// Resolved from the workspace, as the learner's `require('express')` will be: the same files,
// so the same cache entries. A package that is not installed (the install lesson) is skipped.
const fromWorkspace = Module.createRequire(join(process.cwd(), 'noop.js'));
for (const name of ['express', 'express-session']) {
  try {
    fromWorkspace(name);
  } catch {
    // not installed here: the entry will say so itself when it requires it
  }
}

// The probe unrefs the IPC channel (a script that ends on its own must end): wait on a timer.
const waiting = setInterval(() => {}, 2 ** 30);

/** @param {unknown} value */
function onRun(value) {
  const msg = /** @type {Partial<StandbyMessage> | null} checked below */ (value);
  if (!msg || msg.t !== 'run' || typeof msg.entry !== 'string') return;
  process.off('message', onRun);
  clearInterval(waiting);
  for (const [key, value] of Object.entries(msg.env ?? {})) process.env[key] = String(value);
  process.argv[1] = resolve(msg.entry);
  Module.runMain();
}
process.on('message', onRun);
/** @type {StandbyMessage} */
const warm = { t: 'warm' };
process.send?.(warm);
