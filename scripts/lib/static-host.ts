// dist/ served as a static host that sends the isolation headers would (Netlify's _headers, say):
// the deployed case, with no local runner behind it. For the benchmark.
import { createServer } from 'node:http';
import { createStaticHandler } from '../../lab/server/static-files.ts';
import { isolationHeaders } from '../../lab/server/headers.ts';

export async function serveStatic(root: string, headers: Record<string, string> = isolationHeaders): Promise<{ url: string; stop: () => Promise<void> }> {
  const serve = createStaticHandler(root, headers);
  const server = createServer((req, res) => serve(req, res));
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
