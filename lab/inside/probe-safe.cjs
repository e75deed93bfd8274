// @ts-check
'use strict';
// The probe's one rule, shared by its modules: a bug of ours is swallowed, never the learner's
// server's problem.

/** @param {() => void} fn */
function safe(fn) {
  try {
    fn();
  } catch {
    // The probe must never break the learner's server.
  }
}

module.exports = { safe };
