// @ts-check
// Node's options for a lesson server (cold or warm): the probe preloaded, and, when the runtime
// asks for one (the local runner sets SESSION_LAB_HEAP_MB), a bound on its JavaScript heap, so a
// runaway lesson cannot take the machine's memory and runs out of its own instead (the host then
// says so: see instance.mjs, outOfMemory).

/** The heap bound in MB, or null when the runtime sets none. */
export function heapLimitMb(env = process.env) {
  const mb = Number(env.SESSION_LAB_HEAP_MB);
  return Number.isInteger(mb) && mb >= 16 ? mb : null;
}

/** @param {string} probePath @returns {string[]} */
export function lessonExecArgv(probePath) {
  const mb = heapLimitMb();
  return ['--require', probePath, ...(mb === null ? [] : [`--max-old-space-size=${mb}`])];
}
