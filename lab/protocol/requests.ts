// What the request client (lab/inside/client.mjs) sends as a named browser and what it records:
// the hops of one request (a redirect followed gives several), the browser's jar after it, and
// why a request got no answer. The host's `request`, `jar` and `setCookie` commands answer these;
// the checks judge them. Prose: lab/README.md ("Request result").
import type { Browser } from '../lessons/schema.ts';

/** The request client's named browsers, each with its cookie jar; `none` sends and keeps no cookies. */
export type BrowserId = Browser;
/** The browsers, in the order the request panel offers them. */
export const BROWSERS = ['A', 'B', 'none'] as const satisfies readonly BrowserId[];

/** A header as sent or received; several `Set-Cookie` stay separate pairs. */
export type HeaderPair = [name: string, value: string];

/** A cookie in a browser's jar (or a `Set-Cookie` read as one). */
export interface PlainCookie {
  name: string;
  value: string;
  domain: string | null;
  path: string | null;
  /** ISO date, or null for a browser-session cookie. */
  expires: string | null;
  httpOnly: boolean;
  secure: boolean;
  sameSite: string | null;
}
export type JarCookie = PlainCookie;

export interface HopRequest {
  method: string;
  path: string;
  headers: HeaderPair[];
}
export interface HopResponse {
  status: number;
  statusText: string;
  headers: HeaderPair[];
  /** At most 64 KB (`truncated` beyond). */
  body: string;
  truncated: boolean;
}
/** One request and its response (null: no answer); `requestId` matches the probe's events. */
export interface Hop {
  requestId: string;
  request: HopRequest;
  response: HopResponse | null;
  ms: number;
}

export const REQUEST_FAILURE_KEYS = ['timeout', 'refused', 'reset', 'tooManyRedirects', 'failed', 'busy'] as const;
/** `busy`: no answer because the server's event loop is blocked (an endless loop), for `ms`. */
export type RequestFailureKey = (typeof REQUEST_FAILURE_KEYS)[number];
export interface RequestFailure {
  key: RequestFailureKey;
  message: string;
  ms?: number;
}

export interface RequestResult {
  hops: Hop[];
  /** The browser's jar after the request. */
  jar: JarCookie[];
  error?: RequestFailure;
}
