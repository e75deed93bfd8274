// `npm start`: build the site if its inputs changed, then serve it on 127.0.0.1 with the
// cross-origin-isolation headers, and the local runner under /__runner/ on the same origin.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { buildSite, isBuildFresh } from './build-stamp.ts';
import { createStaticHandler } from './static-files.ts';
import { RUNNER_MARK_HTML, isolationHeaders } from './headers.ts';
import { createRunner } from '../runner/index.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const outDir = join(root, 'dist');
const port = Number(process.env.PORT ?? 4321);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not "${process.env.PORT}".`);
  process.exit(2);
}

if (process.env.SESSION_LAB_SKIP_BUILD !== '1' && !isBuildFresh(root, outDir)) {
  console.log('Session Lab: building the site (its sources changed)…');
  const status = buildSite(root, outDir);
  if (status !== 0) {
    console.error('Session Lab: the build failed; see the messages above.');
    process.exit(status);
  }
}

// The mark tells the pages that this server runs the local runner (headers.ts).
const serveStatic = createStaticHandler(outDir, isolationHeaders, { htmlHead: RUNNER_MARK_HTML });
const server = createServer();
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  const runner = createRunner({ port: actual, labDir: join(root, 'lab', 'inside'), depsDir: join(root, 'node_modules') });
  server.on('request', (req, res) => {
    if (runner.handle(req, res)) return;
    serveStatic(req, res);
  });
  // The runner's output streams are WebSockets; nothing else here upgrades.
  server.on('upgrade', (req, socket, head) => {
    if (!runner.handleUpgrade(req, socket, head)) socket.destroy();
  });
  console.log(`Session Lab is running at http://127.0.0.1:${actual}/`);

  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`Session Lab: stopping (${signal}).`);
    server.close();
    server.closeAllConnections();
    void runner.close().finally(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
});
server.on('error', (error: NodeJS.ErrnoException) => {
  console.error(error.code === 'EADDRINUSE' ? `Port ${port} is in use: set PORT to another port, e.g. PORT=4322 npm start.` : error.message);
  process.exit(1);
});
