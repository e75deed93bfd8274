// @ts-check
// Which Node features this runtime actually has, tried once when the host starts, so a degraded
// runtime says so (the boot panel's "Why?") instead of failing in silence. A WebContainer runs
// its own Node, and no one has seen these work there (AsyncLocalStorage is reported to lose its
// context across `await`: stackblitz/webcontainer-core#1169). Every try is bounded and never throws.
import { fork } from 'node:child_process';
import { AsyncLocalStorage } from 'node:async_hooks';
import { join } from 'node:path';

/** @import { HostFeatures as Features } from '../protocol/host.ts' */

/** @param {{ lab: string, timeoutMs?: number }} o @returns {Promise<Features>} */
export async function selfTest({ lab, timeoutMs = 5000 }) {
  const [asyncContext, child] = await Promise.all([asyncContextSurvivesAwait(), forkWithPreload(lab, timeoutMs)]);
  return { ipc: child.ipc, preload: child.preload, asyncContext };
}

/** AsyncLocalStorage keeps its store across `await` (and a timer). */
async function asyncContextSurvivesAwait() {
  try {
    const storage = new AsyncLocalStorage();
    const marker = {};
    return await storage.run(marker, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      await null;
      return storage.getStore() === marker;
    });
  } catch {
    return false;
  }
}

/**
 * A child forked with an IPC channel and `--require locate.cjs` (a module without side effects):
 * `ipc` when its message arrives, `preload` when it saw locate.cjs loaded before its own code.
 * @param {string} lab @param {number} timeoutMs @returns {Promise<{ ipc: boolean, preload: boolean }>}
 */
function forkWithPreload(lab, timeoutMs) {
  return new Promise((resolve) => {
    const found = { ipc: false, preload: false };
    /** @type {import('node:child_process').ChildProcess} */
    let child;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        child?.kill('SIGKILL');
      } catch {
        // gone already
      }
      resolve(found);
    };
    const timer = setTimeout(finish, timeoutMs);
    timer.unref();
    try {
      child = fork(join(lab, 'self-test-child.cjs'), [], {
        execArgv: ['--require', join(lab, 'locate.cjs')],
        stdio: ['ignore', 'pipe', 'ignore', 'ipc'],
      });
    } catch {
      return finish();
    }
    child.on('error', finish);
    child.on('message', (/** @type {any} */ message) => {
      found.ipc = true;
      found.preload = Boolean(message?.preload);
      finish();
    });
    let out = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (/** @type {string} */ chunk) => {
      out += chunk;
      // Without IPC the child says it on stdout (then the message never comes).
      if (/"preload":true/.test(out)) found.preload = true;
    });
    // 'close', not 'exit': it comes once the IPC channel has closed too, so after every message.
    // ('exit' can come first; a fixed wait after it was too short on a loaded machine, and the
    // local runner then reported IPC missing — the boot panel's features note in a CI run.)
    child.on('close', finish);
  });
}
