// @ts-check
'use strict';
// Forked by the host's self-test (self-test.mjs) with `--require locate.cjs` and an IPC channel:
// says whether the preload ran, on stdout and, when there is one, over the channel.
const preload = Object.keys(require.cache).some((file) => /[\\/]locate\.cjs$/.test(file));
process.stdout.write(`${JSON.stringify({ preload })}\n`);
if (typeof process.send === 'function') process.send({ preload }, () => process.disconnect());
