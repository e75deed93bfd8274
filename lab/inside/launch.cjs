// @ts-check
'use strict';
// Starts a lesson server with the probe loaded in this process — no `--require`, no IPC channel:
// how the host starts servers where those are not assumed (a WebContainer). `node launch.cjs
// <entry> [args…]`: the probe opens its line to the host (SESSION_LAB_PROBE, probe-link.cjs), then
// the entry runs as `node <entry>` would run it. CommonJS is required from a fresh turn (a throw
// is an uncaught exception, printed at the learner's line); an ES module is imported and its
// failure left unhandled, which is what `node entry.mjs` does too (same output, same exit code).
const path = require('node:path');
const fs = require('node:fs');
const { pathToFileURL } = require('node:url');
const { whenReady } = require('./probe.cjs');

const entry = path.resolve(process.argv[2] ?? 'server.js');
// The app sees `node <entry> [args…]`.
process.argv.splice(1, 2, entry);

/** Whether Node reads `file` as an ES module: .mjs, or .js under a package.json with "type": "module". @param {string} file */
function isModule(file) {
  if (file.endsWith('.mjs')) return true;
  if (!file.endsWith('.js')) return false;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    try {
      return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).type === 'module';
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'ENOENT') return false;
    }
    if (path.dirname(dir) === dir) return false;
  }
}

whenReady(() => {
  if (isModule(entry)) void import(pathToFileURL(entry).href);
  else require(entry);
});
