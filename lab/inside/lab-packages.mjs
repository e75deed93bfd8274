// @ts-check
// The packages the lab needs, kept out of the learner's reach. In a WebContainer the dependency
// snapshot is mounted twice: at the workspace root (the learner's node_modules, what lesson code
// requires) and under the lab's folder (its own copy). tough-cookie, for the request client, is
// found in the lab's copy first (Node looks beside client.mjs before the workspace). A learner's
// `npm install` prunes what the lesson's package.json does not list (express-session in the
// install lesson, connect-flash and session-file-store that later lessons need): before each
// start, any package of the lab's copy missing from the workspace is copied back. Packages the
// learner installed or replaced are left alone.
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Top-level package folders of a node_modules (`name` or `@scope/name`). @param {string} dir */
function packagesIn(dir) {
  /** @type {string[]} */
  const names = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    if (!entry.name.startsWith('@')) names.push(entry.name);
    else for (const scoped of readdirSync(join(dir, entry.name), { withFileTypes: true })) if (scoped.isDirectory()) names.push(`${entry.name}/${scoped.name}`);
  }
  return names;
}

/**
 * Copies back every package of `<lab>/node_modules` missing from `<cwd>/node_modules`.
 * @param {string} lab the folder holding the lab's scripts @param {string} cwd the workspace
 * @returns {string[]} the packages restored (none where the lab has no copy of its own: the local runner)
 */
export function restoreLabPackages(lab, cwd) {
  const reserve = join(lab, 'node_modules');
  if (!existsSync(reserve)) return [];
  const target = join(cwd, 'node_modules');
  /** @type {string[]} */
  const restored = [];
  try {
    for (const name of packagesIn(reserve)) {
      if (existsSync(join(target, name, 'package.json'))) continue;
      cpSync(join(reserve, name), join(target, name), { recursive: true, force: true });
      restored.push(name);
    }
  } catch {
    // a copy that fails leaves the lesson to say what it misses, as it would without us
  }
  return restored;
}
