// Who may drive the runner: only the course's own page. Every check here runs before a route
// does anything, and a refusal is a 403 with no side effect.
//  - Host must be the loopback name and port the course server listens on (DNS rebinding: a
//    hostile name resolving to 127.0.0.1 still sends its own name as Host).
//  - Origin, when the browser sends it, must be that same origin (CSRF from another page).
//  - A per-start random token, compared in constant time, that only a same-origin script can read.
//  - The token route itself refuses a Sec-Fetch-Site other than same-origin.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { refuse } from './errors.ts';

export interface Guard {
  readonly token: string;
  /** Host and Origin; throws a 403 RunnerError. */
  checkSource(req: IncomingMessage): void;
  /** The token route's extra check: Sec-Fetch-Site same-origin when present. */
  checkTokenFetch(req: IncomingMessage): void;
  /** The token, from `X-Runner-Token`, or from `?token=` when `queryToken` is given (SSE only). */
  checkToken(req: IncomingMessage, queryToken?: string | null): void;
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison that does not leak the length either (both sides hashed first). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/** The `Host` values a loopback server on `port` answers to. */
export function loopbackHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (typeof host !== 'string') return false;
  return loopbackHosts(port).includes(host.toLowerCase());
}

export function createGuard(port: number, token: string = newToken()): Guard {
  const origins = loopbackHosts(port).map((h) => `http://${h}`);
  return {
    token,
    checkSource(req) {
      if (!isLoopbackHost(req.headers.host, port)) {
        throw refuse('forbiddenHost', `the Host header must be 127.0.0.1:${port} or localhost:${port}`);
      }
      const origin = req.headers.origin;
      if (origin !== undefined && !origins.includes(origin.toLowerCase())) {
        throw refuse('forbiddenOrigin', 'requests must come from the course page itself');
      }
      const site = req.headers['sec-fetch-site'];
      // `none` is a user typing the URL; `same-origin` the page. Another site, or another port of
      // this host (a lesson's preview is same-site), never drives the runner.
      if (site !== undefined && site !== 'same-origin' && site !== 'none') {
        throw refuse('forbiddenFetchSite', `a ${String(site)} request cannot drive the runner`);
      }
    },
    checkTokenFetch(req) {
      const site = req.headers['sec-fetch-site'];
      if (site !== undefined && site !== 'same-origin') {
        throw refuse('forbiddenFetchSite', 'the token is only given to the course page itself');
      }
    },
    checkToken(req, queryToken) {
      const header = req.headers['x-runner-token'];
      const given = typeof header === 'string' ? header : typeof queryToken === 'string' ? queryToken : undefined;
      if (given === undefined || given === '') throw refuse('missingToken', 'this call needs the runner token');
      if (!sameSecret(given, token)) throw refuse('badToken', 'the runner token is wrong (the runner restarted?)');
    },
  };
}
