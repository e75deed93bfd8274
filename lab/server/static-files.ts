// Serves the built site: directory URLs, content types, gzip for text, long caching for hashed
// assets, and the localized 404 page for unknown paths under /{lang}/.
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { LANGS } from '../lessons/languages.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.snapshot': 'application/octet-stream',
  '.map': 'application/json; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt', '.map', '.snapshot']);

export interface StaticOptions {
  /** Markup put first in every HTML page's <head> (`npm start` marks its pages with it). */
  readonly htmlHead?: string;
}

export function createStaticHandler(root: string, headers: Record<string, string>, options: StaticOptions = {}) {
  const gzipCache = new Map<string, { mtimeMs: number; body: Buffer }>();
  const htmlHead = options.htmlHead ?? '';
  /** The file's bytes, with `htmlHead` in an HTML page's head. */
  const contents = (file: string, ext: string): Buffer => {
    const bytes = readFileSync(file);
    if (ext !== '.html' || htmlHead === '') return bytes;
    return Buffer.from(bytes.toString('utf8').replace(/<head>/i, (head) => head + htmlHead));
  };
  const marked = (ext: string) => ext === '.html' && htmlHead !== '';

  const resolve = (urlPath: string): string | undefined => {
    const file = normalize(join(root, urlPath));
    if (file !== root && !file.startsWith(root + sep)) return undefined;
    if (!existsSync(file)) return undefined;
    const stat = statSync(file);
    if (stat.isFile()) return file;
    if (stat.isDirectory() && existsSync(join(file, 'index.html'))) return join(file, 'index.html');
    return undefined;
  };

  const send = (req: IncomingMessage, res: ServerResponse, file: string, status = 200) => {
    const ext = extname(file);
    const stat = statSync(file);
    res.statusCode = status;
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.setHeader('Content-Type', TYPES[ext] ?? 'application/octet-stream');
    res.setHeader('Cache-Control', file.includes(`${sep}_astro${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Vary', 'Accept-Encoding');
    const wantsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (wantsGzip && COMPRESSIBLE.has(ext)) {
      let cached = gzipCache.get(file);
      if (!cached || cached.mtimeMs !== stat.mtimeMs) {
        cached = { mtimeMs: stat.mtimeMs, body: gzipSync(contents(file, ext)) };
        gzipCache.set(file, cached);
      }
      res.setHeader('Content-Encoding', 'gzip');
      res.setHeader('Content-Length', cached.body.length);
      res.end(req.method === 'HEAD' ? undefined : cached.body);
      return;
    }
    if (marked(ext)) {
      const body = contents(file, ext);
      res.setHeader('Content-Length', body.length);
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    res.setHeader('Content-Length', stat.size);
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  };

  const notFound = (req: IncomingMessage, res: ServerResponse, path: string) => {
    const lang = LANGS.find((l) => path === `/${l}` || path.startsWith(`/${l}/`));
    const page = (lang && resolve(`/${lang}/404/`)) || resolve('/404.html');
    if (page) return send(req, res, page, 404);
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...headers }).end('Not found');
  };

  return function handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', ...headers }).end();
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', ...headers }).end('Bad request: the address is malformed.');
      return;
    }
    if (path.includes('\0')) return notFound(req, res, path);
    // A directory without its trailing slash: redirect, so relative links and the URL scheme hold.
    if (!path.endsWith('/') && !extname(path)) {
      const dir = resolve(path + '/');
      if (dir) {
        const query = new URL(req.url ?? '/', 'http://x').search;
        res.writeHead(301, { Location: encodeURI(path) + '/' + query, ...headers }).end();
        return;
      }
    }
    const file = resolve(path);
    if (file) send(req, res, file);
    else notFound(req, res, path);
  };
}
