// The local preview: a plain HTTP proxy on 127.0.0.1 (its own port, so the lesson sits at the root
// of its own origin and absolute redirects like `/login` work) to one lesson server's port.
// Method, path, headers and body go through untouched (cookies both ways); the response gains
// COEP and CORP so the course page, cross-origin isolated (COOP same-origin + COEP require-corp),
// may show it in an iframe. A lesson server that is down gets a short 502 page.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLoopbackHost } from './guard.ts';

export interface PreviewProxy {
  /** The proxy's own port on 127.0.0.1. */
  readonly port: number;
  close(): Promise<void>;
}

/** Hop-by-hop headers: about one connection, never forwarded. Transfer-Encoding is kept: Node re-frames the body by it. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer', 'proxy-authorization', 'proxy-authenticate']);
const ISOLATION = new Set(['cross-origin-embedder-policy', 'cross-origin-resource-policy']);
const ADDED = ['Cross-Origin-Embedder-Policy', 'require-corp', 'Cross-Origin-Resource-Policy', 'cross-origin'];

/** rawHeaders minus hop-by-hop ones (and those the Connection header names), and minus `drop`. */
function forwardable(raw: string[], drop: Set<string> = new Set()): string[] {
  const named = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === 'connection') for (const n of raw[i + 1]!.split(',')) named.add(n.trim().toLowerCase());
  }
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(name) || named.has(name) || drop.has(name)) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

function unavailable(res: ServerResponse, target: number): void {
  const body = `<!doctype html>
<html lang="en" data-key="previewUnavailable">
<meta charset="utf-8">
<title>Lesson server not running</title>
<body style="font-family: system-ui, sans-serif; margin: 2rem; color: #333">
<h1 style="font-size: 1.25rem">The lesson server is not running</h1>
<p>Nothing answers on port ${target}. Start the server, then reload this preview.</p>
</body>
</html>
`;
  res.writeHead(502, [
    'Content-Type', 'text/html; charset=utf-8',
    'Content-Length', String(Buffer.byteLength(body)),
    'Cache-Control', 'no-store',
    ...ADDED,
  ]);
  res.end(body);
}

export function startPreviewProxy(target: number): Promise<PreviewProxy> {
  let ownPort = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // DNS rebinding: a hostile name resolving to 127.0.0.1 must not read the lesson's pages.
    if (!isLoopbackHost(req.headers.host, ownPort)) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end('Forbidden: wrong Host');
      return;
    }
    const upstream = request(
      {
        host: '127.0.0.1',
        port: target,
        method: req.method,
        path: req.url,
        headers: forwardable(req.rawHeaders),
        agent: false,
      },
      (answer) => {
        const headers = [...forwardable(answer.rawHeaders, ISOLATION), ...ADDED];
        if (answer.statusMessage) res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
        else res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
        answer.on('error', () => res.destroy());
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) unavailable(res, target);
      else res.destroy();
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      ownPort = (server.address() as AddressInfo).port;
      let closing: Promise<void> | null = null;
      resolve({
        port: ownPort,
        close() {
          closing ??= new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          });
          return closing;
        },
      });
    });
  });
}
