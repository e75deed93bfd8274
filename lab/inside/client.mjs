// @ts-check
// The request client: the learner "is the browser". Named browsers, each with its own cookie
// jar (tough-cookie), send requests to the lesson server and record every hop. Also a CLI for
// the learner's terminal: `node client.mjs GET /path --browser A --port 3000`.
import http from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';

/** In a WebContainer the lab's folder has no node_modules of its own: fall back to the lesson's. */
async function loadToughCookie() {
  try {
    return await import('tough-cookie');
  } catch (first) {
    try {
      const resolved = createRequire(join(process.cwd(), 'noop.js')).resolve('tough-cookie');
      return await import(pathToFileURL(resolved).href);
    } catch {
      throw first;
    }
  }
}
const { CookieJar, Cookie } = await loadToughCookie();

/** @import { Hop, HopResponse, JarCookie as PlainCookie, RequestFailure, RequestResult } from '../protocol/requests.ts' */

/** @type {typeof import('../protocol/requests.ts').BROWSERS} */
export const BROWSERS = ['A', 'B', 'none'];
/** @type {typeof import('../protocol/probe.ts').CORRELATION_HEADER} */
export const HEADER = 'x-session-lab';
const BODY_LIMIT = 64 * 1024;
const MAX_REDIRECTS = 10;
/** Headers the client sets itself: extra headers never replace them. */
const OWN_HEADERS = new Set(['host', 'cookie', 'content-type', 'content-length', 'user-agent', HEADER, 'transfer-encoding', 'connection']);

/**
 * What a request is sent with (the hop, jar and result shapes are lab/protocol/requests.ts's).
 * @typedef {{ browser?: string, port: number, host?: string, method?: string, path?: string,
 *   form?: Record<string, string>, follow?: boolean, timeoutMs?: number, as?: string,
 *   headers?: Record<string, string> }} SendOptions
 *   `as`: the browser name the probe reports (the CLI says `terminal`: its jars are not the panel's)
 *   `headers`: extra request headers on every hop (what a proxy would add); never replaces the
 *   client's own (host, cookie, body, user-agent, correlation)
 */

/** The jar's URL: cookies ignore ports, and localhost is what a learner's browser would use. */
const jarUrl = (/** @type {number} */ port) => `http://localhost:${port}/`;

/** @param {any} c a tough-cookie Cookie @returns {PlainCookie} */
function plainCookie(c) {
  const expires = c.expires instanceof Date ? c.expires.toISOString() : null;
  return {
    name: c.key,
    value: c.value,
    domain: c.domain ?? null,
    path: c.path ?? null,
    expires,
    httpOnly: Boolean(c.httpOnly),
    secure: Boolean(c.secure),
    sameSite: c.sameSite && c.sameSite !== 'unspecified' ? String(c.sameSite) : null,
  };
}

/**
 * A Set-Cookie header as data (tough-cookie's parser), or null when it is not a cookie.
 * @param {string} header
 * @returns {(PlainCookie & { maxAge: number | null }) | null}
 */
export function parseSetCookie(header) {
  const c = Cookie.parse(header, { loose: true });
  if (!c) return null;
  return { ...plainCookie(c), maxAge: typeof c.maxAge === 'number' ? c.maxAge : null };
}

/** An express-session value: `s:` + id + `.` + signature, URL-encoded or not. @param {string} value */
export const isSignedValue = (value) => /^s(%3A|:)/i.test(value);

/** @param {unknown} err @returns {RequestFailure} */
function classify(err) {
  const e = /** @type {any} */ (err);
  const message = String(e?.message ?? err);
  if (e?.code === 'ECONNREFUSED') return { key: 'refused', message };
  if (e?.code === 'ECONNRESET' || e?.code === 'EPIPE' || /socket hang up/i.test(message)) return { key: 'reset', message };
  return { key: 'failed', message };
}

/** @param {string[]} raw rawHeaders @returns {[string, string][]} */
function pairs(raw) {
  /** @type {[string, string][]} */
  const out = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([String(raw[i]), String(raw[i + 1])]);
  return out;
}

/**
 * One HTTP exchange; rejects on a network error, a timeout rejects with code 'TIMEOUT'.
 * @param {{ host: string, port: number, method: string, path: string, headers: Record<string, string>, body?: string, deadline: number }} o
 * @returns {Promise<HopResponse>}
 */
function exchange(o) {
  return new Promise((resolve, reject) => {
    const left = o.deadline - Date.now();
    if (left <= 0) return reject(Object.assign(new Error('timed out'), { code: 'TIMEOUT' }));
    const req = http.request({ host: o.host, port: o.port, method: o.method, path: o.path, headers: o.headers, agent: false });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no answer in ${left} ms`), { code: 'TIMEOUT' })), left);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on('response', (res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      let size = 0;
      let truncated = false;
      res.on('data', (/** @type {Buffer} */ chunk) => {
        if (size >= BODY_LIMIT) return void (truncated = true);
        const room = BODY_LIMIT - size;
        if (chunk.length > room) truncated = true;
        chunks.push(chunk.subarray(0, room));
        size += Math.min(room, chunk.length);
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers: pairs(res.rawHeaders),
          body: Buffer.concat(chunks).toString('utf8'),
          truncated,
        });
      });
    });
    req.end(o.body);
  });
}

let nextId = 0;
const idPrefix = `c${process.pid.toString(36)}-`;

/** Named browsers with their cookie jars. One set for the learner, a fresh set for each check. */
export function createBrowsers() {
  /** @type {Map<string, InstanceType<typeof CookieJar>>} */
  const jars = new Map([
    ['A', new CookieJar()],
    ['B', new CookieJar()],
  ]);

  /** @param {string} browser */
  function jarOf(browser) {
    if (!BROWSERS.includes(/** @type {any} */ (browser))) throw Object.assign(new Error(`unknown browser "${browser}"`), { key: 'badBrowser' });
    return jars.get(browser); // undefined for 'none': it never stores or sends cookies
  }

  /** @param {string} browser @returns {Promise<PlainCookie[]>} */
  async function jar(browser) {
    const j = jarOf(browser);
    if (!j) return [];
    const all = await /** @type {any} */ (j).store.getAllCookies();
    return all.filter((/** @type {any} */ c) => c.TTL() > 0).map(plainCookie);
  }

  /**
   * Sends a request and, when asked, follows redirects hop by hop.
   * @param {SendOptions} options @returns {Promise<RequestResult>}
   */
  async function send(options) {
    const browser = options.browser ?? 'A';
    const j = jarOf(browser);
    const { port, host = '127.0.0.1', follow = false, timeoutMs = 5000 } = options;
    const deadline = Date.now() + timeoutMs;
    let method = (options.method ?? 'GET').toUpperCase();
    let path = options.path ?? '/';
    let body = options.form ? new URLSearchParams(options.form).toString() : undefined;
    /** @type {Hop[]} */
    const hops = [];
    /** @type {RequestFailure | undefined} */
    let error;
    for (;;) {
      const requestId = `${idPrefix}${++nextId}`;
      const url = new URL(path, jarUrl(port)).href;
      /** @type {Record<string, string>} */
      const headers = { host: `localhost:${port}`, 'user-agent': 'session-lab' };
      for (const [name, value] of Object.entries(options.headers ?? {})) {
        const n = name.toLowerCase();
        if (!OWN_HEADERS.has(n) && /^[a-z0-9-]+$/.test(n)) headers[n] = String(value);
      }
      const cookie = j ? await j.getCookieString(url) : '';
      if (cookie) headers.cookie = cookie;
      if (body !== undefined) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        headers['content-length'] = String(Buffer.byteLength(body));
      }
      /** @type {Hop} */
      const hop = { requestId, request: { method, path, headers: Object.entries(headers) }, response: null, ms: 0 };
      hops.push(hop);
      const started = Date.now();
      try {
        const correlation = `${options.as ?? browser}/${requestId}`;
        hop.response = await exchange({ host, port, method, path, headers: { ...headers, [HEADER]: correlation }, body, deadline });
      } catch (err) {
        error = /** @type {any} */ (err)?.code === 'TIMEOUT' ? { key: 'timeout', message: `no answer within ${timeoutMs} ms` } : classify(err);
        hop.ms = Date.now() - started;
        break;
      }
      hop.ms = Date.now() - started;
      if (j) {
        for (const [name, value] of hop.response.headers) {
          if (name.toLowerCase() === 'set-cookie') await j.setCookie(value, url, { ignoreError: true });
        }
      }
      const location = hop.response.headers.find(([n]) => n.toLowerCase() === 'location')?.[1];
      if (!follow || !location || ![301, 302, 303, 307, 308].includes(hop.response.status)) break;
      const next = new URL(location, url);
      // Only the lesson server is ours to talk to: a redirect elsewhere ends the chain.
      if (next.port !== String(port) || !['localhost', '127.0.0.1'].includes(next.hostname)) break;
      if (hops.length > MAX_REDIRECTS) {
        error = { key: 'tooManyRedirects', message: `more than ${MAX_REDIRECTS} redirects` };
        break;
      }
      // What browsers do: 303 always, and 301/302 after a POST, become a GET without a body.
      const status = hop.response.status;
      if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
        if (method !== 'HEAD') method = 'GET';
        body = undefined;
      }
      path = next.pathname + next.search;
    }
    return { hops, jar: await jar(browser), ...(error ? { error } : {}) };
  }

  /**
   * Replaces a cookie's value and keeps its other attributes (the tamper demo).
   * @param {string} browser @param {string} name @param {string} value @param {number} [port]
   */
  async function setCookie(browser, name, value, port = 3000) {
    const j = jarOf(browser);
    if (!j) return [];
    const all = await /** @type {any} */ (j).store.getAllCookies();
    const existing = all.filter((/** @type {any} */ c) => c.key === name);
    if (existing.length === 0) {
      await j.setCookie(new Cookie({ key: name, value, path: '/', domain: 'localhost', hostOnly: true }), jarUrl(port), { ignoreError: true });
    }
    for (const old of existing) {
      const changed = old.clone();
      if (!changed) continue;
      changed.value = value;
      await /** @type {any} */ (j).store.updateCookie(old, changed);
    }
    return jar(browser);
  }

  /** @param {string} [browser] all browsers when absent */
  async function clear(browser) {
    const names = browser ? [browser] : [...jars.keys()];
    for (const name of names) await jarOf(name)?.removeAllCookies();
  }

  return { send, jar, setCookie, clear };
}

// ---------------------------------------------------------------------------------------------
// CLI

/** @param {RequestResult} result @param {string} browser */
export function formatResult(result, browser) {
  const lines = [];
  for (const hop of result.hops) {
    lines.push(`> ${hop.request.method} ${hop.request.path}`);
    for (const [n, v] of hop.request.headers) if (n === 'cookie' || n === 'content-type') lines.push(`>   ${n}: ${v}`);
    if (!hop.response) continue;
    lines.push(`< ${hop.response.status} ${hop.response.statusText} (${hop.ms} ms)`);
    for (const [n, v] of hop.response.headers) {
      if (/^(set-cookie|location|content-type)$/i.test(n)) lines.push(`<   ${n}: ${v}`);
    }
    const body = hop.response.body.trim();
    if (body) lines.push('', body + (hop.response.truncated ? '\n[...]' : ''), '');
  }
  if (result.error) lines.push(`! ${result.error.key}: ${result.error.message}`);
  if (browser !== 'none') {
    lines.push(`Browser ${browser} cookies:${result.jar.length ? '' : ' (none)'}`);
    for (const c of result.jar) lines.push(`  ${c.name}=${c.value}${c.httpOnly ? '; HttpOnly' : ''}${c.expires ? `; Expires=${c.expires}` : ''}`);
  }
  return lines.join('\n');
}

/** @param {string[]} argv */
async function cli(argv) {
  const positional = [];
  /** @type {Record<string, string>} */
  const form = {};
  let browser = 'A';
  let port = Number(process.env.PORT) || 3000;
  let follow = false;
  let timeoutMs = 5000;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--browser') browser = argv[++i] ?? 'A';
    else if (a === '--port') port = Number(argv[++i]);
    else if (a === '--follow' || a === '-L') follow = true;
    else if (a === '--timeout') timeoutMs = Number(argv[++i]);
    else if (a === '--form' || a === '-d') {
      const pair = argv[++i] ?? '';
      const eq = pair.indexOf('=');
      form[eq < 0 ? pair : pair.slice(0, eq)] = eq < 0 ? '' : pair.slice(eq + 1);
    } else positional.push(a);
  }
  const [method = 'GET', path = '/'] = positional.length === 1 ? ['GET', positional[0]] : positional;
  if (!path.startsWith('/') || !Number.isInteger(port)) {
    process.stderr.write('usage: node client.mjs [GET|POST] /path [--browser A|B|none] [--port 3000] [--form k=v] [--follow]\n');
    process.exitCode = 2;
    return;
  }
  const browsers = createBrowsers();
  const result = await browsers.send({ browser, as: 'terminal', port, method, path, follow, timeoutMs, ...(Object.keys(form).length ? { form } : {}) });
  process.stdout.write(formatResult(result, browser) + '\n');
  if (result.error) process.exitCode = 1;
}

const self = fileURLToPath(import.meta.url);
const invoked = process.argv[1] ? (() => { try { return realpathSync(process.argv[1]); } catch { return process.argv[1]; } })() : '';
if (invoked === self) await cli(process.argv.slice(2));
