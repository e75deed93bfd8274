// @ts-check
// Runs a step's checks: each is an HTTP scenario against the learner's server, judged by the
// responses (through the client) and by what the probe saw (session ids, the store's contents).
// A check never throws: whatever goes wrong becomes a failed result whose detail says what.
import { createHmac } from 'node:crypto';
import { parseSetCookie, isSignedValue } from './client.mjs';

const PROBE_WAIT_MS = 2000;
const BODY_EXCERPT = 600;

/** @import { CheckFailureDetail as FailureDetail, CheckResult, Expectation } from '../protocol/checks.ts' */
/** @import { CheckInput as Check, ScenarioRequestInput as ScenarioRequest, ScenarioStartInput as ScenarioStart } from '../protocol/checks.ts' */
/** @import { ScenarioStepInput as ScenarioStep, ScenarioTamperInput as ScenarioTamper } from '../protocol/checks.ts' */
/** @import { ProbeEvent, ResponseEvent, StoreEvent } from '../protocol/probe.ts' */
/** @import { Hop, JarCookie, RequestResult } from '../protocol/requests.ts' */
/** @import { SendOptions } from './client.mjs' */

/**
 * What the checks are given to run with (the checks, their results and the events are
 * lab/protocol's).
 * @typedef {{ waitFor: (match: (e: ProbeEvent) => boolean, ms: number) => Promise<ProbeEvent | null>,
 *   latest: (match: (e: ProbeEvent) => boolean) => ProbeEvent | undefined,
 *   select?: (match: (e: ProbeEvent) => boolean) => ProbeEvent[] }} Events
 * @typedef {(o: Omit<SendOptions, 'port'>) => Promise<RequestResult>} Send
 * @typedef {{ send: Send, events: Events }} InstanceHandle another server of the app, started by a scenario
 * @typedef {{ checks: readonly Check[], send: Send, events: Events,
 *   restart: () => Promise<unknown>, resetJars?: () => Promise<unknown>,
 *   start?: (name: string, env: Record<string, string>) => Promise<InstanceHandle>,
 *   stop?: (name: string) => Promise<unknown>,
 *   jar?: (browser: string) => Promise<JarCookie[]>,
 *   setCookie?: (browser: string, name: string, value: string) => Promise<unknown> }} RunOptions
 *   `start`: starts (or restarts) the named server and waits until it listens; `stop`: called for
 *   each server a check started, once the check ends; `jar`/`setCookie`: the checks' browsers (tamper).
 */

/** @param {RequestResult} result @param {string} name @returns {string[]} every value of a response header, all hops */
function allHeaderValues(result, name) {
  return result.hops.flatMap((h) => (h.response ? h.response.headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v) : []));
}

/** @param {string} body */
const excerpt = (body) => (body.length > BODY_EXCERPT ? `${body.slice(0, BODY_EXCERPT)}…` : body);

/** @param {string} location @returns {string} */
function asPath(location, withSearch = false) {
  try {
    const u = new URL(location, 'http://localhost/');
    return withSearch ? u.pathname + u.search : u.pathname;
  } catch {
    return location;
  }
}

/** @param {string} source a regular expression from the lesson @param {string} text */
function matches(source, text) {
  try {
    return new RegExp(source).test(text);
  } catch {
    return false;
  }
}

/**
 * The session cookie's attribute as the check names it (case-insensitive).
 * @param {NonNullable<ReturnType<typeof parseSetCookie>>} cookie @param {string} name
 */
function attribute(cookie, name) {
  switch (name.toLowerCase()) {
    case 'httponly':
      return cookie.httpOnly;
    case 'secure':
      return cookie.secure;
    case 'samesite':
      return cookie.sameSite;
    case 'expires':
      return cookie.expires;
    case 'max-age':
    case 'maxage':
      return cookie.maxAge;
    case 'path':
      return cookie.path;
    case 'domain':
      return cookie.domain;
    default:
      return undefined;
  }
}

/** A Set-Cookie that deletes its cookie. @param {NonNullable<ReturnType<typeof parseSetCookie>>} cookie */
function isDeletion(cookie) {
  if (cookie.maxAge !== null && cookie.maxAge <= 0) return true;
  if (cookie.expires !== null && Date.parse(cookie.expires) <= Date.now()) return true;
  return false;
}

/**
 * The value with one character of its signature changed (the part after the last `.`; the
 * whole value's last character when it has none): what a forger without the secret sends.
 * @param {string} value
 */
export function forgeSignature(value) {
  const dot = value.lastIndexOf('.');
  const at = dot >= 0 && dot < value.length - 1 ? dot + 1 : value.length - 1;
  if (at < 0) return 'x';
  const swap = value[at] === 'A' ? 'B' : 'A';
  return value.slice(0, at) + swap + value.slice(at + 1);
}

/**
 * The session cookie's value with its id signed again with `secret`, the way express-session
 * signs (HMAC-SHA256, base64 without the trailing `=`, URL-encoded): what a browser still holds
 * from a server that used that secret. Null when the value is not a signed session value.
 * @param {string} value @param {string} secret
 */
export function signWith(value, secret) {
  let raw = value;
  try {
    raw = decodeURIComponent(value);
  } catch {
    // not URL-encoded: use it as it is
  }
  if (!raw.startsWith('s:')) return null;
  const dot = raw.lastIndexOf('.');
  const id = dot > 2 ? raw.slice(2, dot) : raw.slice(2);
  const signature = createHmac('sha256', secret).update(id).digest('base64').replace(/=+$/, '');
  return encodeURIComponent(`s:${id}.${signature}`);
}

/**
 * The paths (`user.password`) at which an object holds a property of one of these names, at
 * any depth.
 * @param {unknown} value @param {Set<string>} names @returns {string[]}
 */
function pathsOf(value, names, prefix = '') {
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return [...(names.has(key) ? [path] : []), ...pathsOf(inner, names, path)];
  });
}

/**
 * How long the cookie lives, in seconds: Max-Age, else Expires minus the response's Date (the
 * server's clock; now without one). Null for a browser-session cookie.
 * @param {NonNullable<ReturnType<typeof parseSetCookie>>} cookie @param {string | undefined} date
 */
function lifetimeOf(cookie, date) {
  if (cookie.maxAge !== null) return cookie.maxAge;
  if (cookie.expires === null) return null;
  const sent = date === undefined ? NaN : Date.parse(date);
  return Math.round((Date.parse(cookie.expires) - (Number.isNaN(sent) ? Date.now() : sent)) / 1000);
}

/** What identifies a cookie to a browser, and the flags a deletion must repeat (the course's rule). */
const CLEAR_ATTRIBUTES = /** @type {const} */ ([
  ['Path', (/** @type {any} */ c) => c.path ?? '/'],
  ['Domain', (/** @type {any} */ c) => (c.domain ? String(c.domain).toLowerCase() : null)],
  ['Secure', (/** @type {any} */ c) => Boolean(c.secure)],
  ['HttpOnly', (/** @type {any} */ c) => Boolean(c.httpOnly)],
  ['SameSite', (/** @type {any} */ c) => (c.sameSite ? String(c.sameSite).toLowerCase() : null)],
]);

/**
 * Compares one request's outcome with its expectation.
 * @param {Expectation} expect @param {RequestResult} result
 * @param {{ sessionNames: Set<string>, sessionId: string | undefined, previous: { sessionId: string | undefined } | null,
 *   storeCount: () => number, storeOps: () => string[], storedSession: (id: string) => unknown,
 *   lastSet: { cookie: NonNullable<ReturnType<typeof parseSetCookie>>, raw: string } | null }} seen
 *   `lastSet`: the session cookie as the scenario last saw it set, before this request
 * @returns {{ expected: Record<string, unknown>, actual: Record<string, unknown> } | null}
 */
function compare(expect, result, seen) {
  /** @type {Record<string, unknown>} */
  const expected = {};
  /** @type {Record<string, unknown>} */
  const actual = {};
  const final = /** @type {NonNullable<Hop['response']>} */ (result.hops[result.hops.length - 1]?.response);
  const fail = (/** @type {string} */ key, /** @type {unknown} */ want, /** @type {unknown} */ got) => {
    expected[key] = want;
    actual[key] = got;
  };

  if (expect.status !== undefined && final.status !== expect.status) fail('status', expect.status, final.status);

  const missing = (expect.bodyIncludes ?? []).filter((s) => !final.body.includes(s));
  if (missing.length) fail('bodyIncludes', missing, excerpt(final.body));
  const present = (expect.bodyExcludes ?? []).filter((s) => final.body.includes(s));
  if (present.length) fail('bodyExcludes', present, excerpt(final.body));
  if (expect.bodyMatches !== undefined && !matches(expect.bodyMatches, final.body)) fail('bodyMatches', expect.bodyMatches, excerpt(final.body));

  for (const [name, pattern] of Object.entries(expect.headers ?? {})) {
    const values = final.headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
    const ok = pattern === null ? values.length === 0 : values.some((v) => matches(pattern, v));
    if (!ok) fail(`headers.${name.toLowerCase()}`, pattern, values.length ? values.join('\n') : null);
  }

  // The session cookie: signed (s:…) or named like one seen signed earlier in the scenario.
  const cookies = allHeaderValues(result, 'set-cookie')
    .map((raw) => ({ raw, c: parseSetCookie(raw) }))
    .filter((x) => x.c && (isSignedValue(x.c.value) || seen.sessionNames.has(x.c.name)));
  const signed = cookies.filter((x) => x.c && isSignedValue(x.c.value));
  for (const x of signed) if (x.c) seen.sessionNames.add(x.c.name);
  if (expect.setsCookie === true && signed.length === 0) fail('setsCookie', true, cookies.length ? cookies.map((x) => x.raw) : false);
  if (expect.setsCookie === false && cookies.length > 0) fail('setsCookie', false, cookies.map((x) => x.raw));

  if (expect.cookieLifetime) {
    const last = signed[signed.length - 1];
    const { min, max } = expect.cookieLifetime;
    const seconds = last?.c ? lifetimeOf(last.c, final.headers.find(([n]) => n.toLowerCase() === 'date')?.[1]) : null;
    if (seconds === null || (min !== undefined && seconds < min) || (max !== undefined && seconds > max)) {
      fail('cookieLifetime', expect.cookieLifetime, last ? { seconds, setCookie: last.raw } : null);
    }
  }

  if (expect.cookieAttributes) {
    const last = signed[signed.length - 1];
    if (!last?.c) fail('cookieAttributes', expect.cookieAttributes, null);
    else {
      for (const [name, want] of Object.entries(expect.cookieAttributes)) {
        const got = attribute(last.c, name);
        const ok =
          typeof want === 'boolean'
            ? want === (got !== null && got !== undefined && got !== false)
            : got !== null && got !== undefined && String(got).toLowerCase() === want.toLowerCase();
        if (!ok) fail(`cookieAttributes.${name}`, want, { value: got ?? null, setCookie: last.raw });
      }
    }
  }

  if (expect.location !== undefined) {
    const locations = allHeaderValues(result, 'location');
    const loc = locations[locations.length - 1];
    const got = loc === undefined ? null : asPath(loc, expect.location.includes('?'));
    if (got !== asPath(expect.location, expect.location.includes('?'))) fail('location', expect.location, got);
  }

  if (expect.storeSessions !== undefined) {
    const count = seen.storeCount();
    if (count !== expect.storeSessions) fail('storeSessions', expect.storeSessions, count);
  }

  if (expect.clearsCookie !== undefined) {
    // Deleted: an empty value or an expiry in the past (Express's clearCookie sends both).
    const deleting = cookies.filter((x) => x.c && isDeletion(x.c));
    if (expect.clearsCookie === false && deleting.length > 0) fail('clearsCookie', false, deleting.map((x) => x.raw));
    if (expect.clearsCookie === true) {
      // The browser must really have let go of it: a deletion whose Path or Domain differs from
      // the cookie's is a different cookie, and the session cookie stays.
      const kept = result.jar.filter((c) => seen.sessionNames.has(c.name) && isSignedValue(c.value));
      // The course's rule: clear with the options the cookie was set with (maxAge and expires
      // aside), so a deletion that the browser happens to honour with other flags still fails.
      const set = seen.lastSet;
      const differs = set
        ? CLEAR_ATTRIBUTES.filter(([, read]) => deleting.some((x) => x.c?.name === set.cookie.name && read(x.c) !== read(set.cookie))).map(([name]) => name)
        : [];
      if (deleting.length === 0 || kept.length > 0 || differs.length > 0) {
        fail('clearsCookie', true, {
          setCookie: cookies.map((x) => x.raw),
          stillInBrowser: kept.map((c) => `${c.name}=${c.value}`),
          ...(differs.length ? { differs, sessionCookie: set?.raw } : {}),
        });
      }
    }
  }

  if (expect.sessionStored !== undefined) {
    const stored = seen.sessionId !== undefined && seen.storedSession(seen.sessionId) !== undefined;
    if (stored !== expect.sessionStored) fail('sessionStored', expect.sessionStored, { sessionId: seen.sessionId ?? null, stored });
  }

  if (expect.sessionExcludes !== undefined) {
    const stored = seen.sessionId === undefined ? undefined : seen.storedSession(seen.sessionId);
    const found = stored === undefined ? null : pathsOf(stored, new Set(expect.sessionExcludes));
    if (found === null || found.length > 0) fail('sessionExcludes', expect.sessionExcludes, found === null ? { session: null } : found);
  }

  if (expect.storeOps !== undefined) {
    const ops = seen.storeOps();
    if (ops.join() !== expect.storeOps.join()) fail('storeOps', expect.storeOps, ops);
  }

  if (expect.sameSession !== undefined) {
    const prev = seen.previous?.sessionId;
    const now = seen.sessionId;
    if (!seen.previous) fail('sameSession', expect.sameSession, { previous: null, current: now ?? null });
    else {
      const same = prev !== undefined && now !== undefined && prev === now;
      if (same !== expect.sameSession) fail('sameSession', expect.sameSession, { previous: prev ?? null, current: now ?? null });
    }
  }

  const lastSigned = signed[signed.length - 1];
  if (lastSigned?.c) seen.lastSet = { cookie: lastSigned.c, raw: lastSigned.raw };

  return Object.keys(expected).length ? { expected, actual } : null;
}

/** @param {ScenarioStep} step */
const isRestart = (step) => /** @type {any} */ (step).restart === true;
/** @param {ScenarioStep} step */
const isStart = (step) => Boolean(/** @type {any} */ (step).start) && typeof (/** @type {any} */ (step).start) === 'object';
/** @param {ScenarioStep} step */
const isTamper = (step) => Boolean(/** @type {any} */ (step).tamper) && typeof (/** @type {any} */ (step).tamper) === 'object';
/** @param {ScenarioStep} step */
const isRequest = (step) => !isRestart(step) && !isStart(step) && !isTamper(step);

/** @param {unknown} err */
const errorInfo = (err) => {
  const e = /** @type {any} */ (err);
  return { key: typeof e?.key === 'string' ? e.key : 'failed', message: String(e?.message ?? err) };
};

/**
 * @param {Check} check @param {RunOptions} o
 * @returns {Promise<CheckResult>}
 */
async function runCheck(check, o) {
  /** @param {FailureDetail | null} detail @returns {CheckResult} */
  const done = (detail) => ({
    id: check.id,
    passed: detail === null,
    message: check.message,
    ...(detail && check.hint ? { hint: check.hint } : {}),
    detail,
  });
  const scenario = Array.isArray(check.scenario) ? check.scenario : [];
  if (scenario.length === 0) return done({ step: 0, expected: { scenario: 'at least one step' }, actual: { scenario: null } });
  /** @type {Map<string, InstanceHandle>} the servers this check started */
  const started = new Map();
  try {
    return done(await runScenario(scenario, o, started));
  } finally {
    for (const name of started.keys()) {
      try {
        await o.stop?.(name);
      } catch {
        // already gone: nothing to stop
      }
    }
  }
}

/**
 * Runs the steps; null when every one passed, else the first failure.
 * @param {ScenarioStep[]} scenario @param {RunOptions} o @param {Map<string, InstanceHandle>} started
 * @returns {Promise<FailureDetail | null>}
 */
async function runScenario(scenario, o, started) {
  if (o.resetJars) await o.resetJars();
  /** @type {Set<string>} */
  const sessionNames = new Set(['connect.sid']);
  /** @type {{ sessionId: string | undefined } | null} */
  let previous = null;
  /** @type {{ lastSet: { cookie: NonNullable<ReturnType<typeof parseSetCookie>>, raw: string } | null }} */
  const cookieSeen = { lastSet: null };

  for (let i = 0; i < scenario.length; i++) {
    const step = /** @type {ScenarioStep} */ (scenario[i]);
    if (isRestart(step)) {
      try {
        await o.restart();
      } catch (err) {
        return { step: i, expected: { restart: 'listening' }, actual: { restart: errorInfo(err) } };
      }
      continue;
    }

    if (isStart(step)) {
      const { instance, env } = /** @type {ScenarioStart} */ (step).start;
      if (typeof instance !== 'string' || !instance) return { step: i, expected: { start: 'an instance name' }, actual: { start: instance ?? null } };
      if (!o.start) return { step: i, expected: { start: instance }, actual: { start: { key: 'failed', message: 'this runner cannot start another server' } } };
      try {
        started.set(instance, await o.start(instance, env ?? {}));
      } catch (err) {
        started.set(instance, /** @type {any} */ (null)); // stop it anyway: it may be running but not listening
        return { step: i, expected: { start: 'listening' }, actual: { start: { instance, ...errorInfo(err) } } };
      }
      continue;
    }

    if (isTamper(step)) {
      const t = /** @type {ScenarioTamper} */ (step).tamper;
      const browser = t.browser ?? 'A';
      if (!o.jar || !o.setCookie) return { step: i, expected: { tamper: browser }, actual: { tamper: { key: 'failed', message: 'this runner cannot edit cookies' } } };
      const jar = await o.jar(browser);
      const cookie = t.cookie
        ? jar.find((c) => c.name === t.cookie)
        : jar.find((c) => sessionNames.has(c.name) && isSignedValue(c.value)) ?? jar.find((c) => isSignedValue(c.value));
      if (!cookie) {
        return {
          step: i,
          expected: { tamper: { browser, cookie: t.cookie ?? 'the session cookie' } },
          actual: { tamper: null, cookies: jar.map((c) => c.name) },
        };
      }
      const value = typeof t.signWith === 'string' ? signWith(cookie.value, t.signWith) : (t.value ?? forgeSignature(cookie.value));
      if (value === null) {
        return { step: i, expected: { tamper: { browser, signWith: 'a signed session cookie' } }, actual: { tamper: `${cookie.name}=${cookie.value}` } };
      }
      await o.setCookie(browser, cookie.name, value);
      continue;
    }

    const s = /** @type {ScenarioRequest} */ (step);
    const request = { browser: s.browser ?? 'A', method: s.method ?? 'GET', path: s.path, ...(s.instance ? { instance: s.instance } : {}) };
    if (typeof s.path !== 'string' || !s.path.startsWith('/')) {
      return { step: i, request, expected: { path: 'a path starting with /' }, actual: { path: s.path ?? null } };
    }
    /** @type {InstanceHandle | null | undefined} */
    const target = s.instance ? started.get(s.instance) : { send: o.send, events: o.events };
    if (!target) return { step: i, request, expected: { instance: `started by an earlier step: ${s.instance}` }, actual: { instance: null } };
    const expect = s.expect ?? {};
    /** @type {RequestResult} */
    let result;
    try {
      result = await target.send({
        browser: request.browser,
        method: request.method,
        path: request.path,
        follow: s.follow ?? false,
        // Not in the lesson schema (a lesson cannot set it): kept for runChecks' other callers.
        timeoutMs: /** @type {{ timeoutMs?: number }} */ (s).timeoutMs ?? 5000,
        ...(s.form ? { form: s.form } : {}),
        ...(s.headers ? { headers: s.headers } : {}),
      });
    } catch (err) {
      result = { hops: [], jar: [], error: /** @type {any} */ (errorInfo(err)) };
    }
    const last = result.hops[result.hops.length - 1];
    if (result.error || !last?.response) {
      return { step: i, request, expected: { response: true }, actual: { error: result.error ?? { key: 'failed', message: 'no response' } } };
    }
    // The probe sends a request's store events before its response event, so once the response
    // event is here the store's contents after this request are known.
    const needsProbe =
      expect.storeSessions !== undefined ||
      expect.sameSession !== undefined ||
      expect.storeOps !== undefined ||
      expect.sessionExcludes !== undefined ||
      expect.sessionStored !== undefined ||
      nextWantsSameSession(scenario, i);
    const responseEvent = /** @type {ResponseEvent | null} the match says so */ (
      needsProbe ? await target.events.waitFor((e) => e.type === 'response' && e.requestId === last.requestId, PROBE_WAIT_MS) : null
    );
    const sessionId = typeof responseEvent?.sessionId === 'string' ? responseEvent.sessionId : undefined;
    const seen = {
      sessionNames,
      sessionId,
      previous,
      storeCount: () => Object.keys(latestStore(target.events)?.sessions ?? {}).length,
      storeOps: () =>
        (target.events.select?.((e) => e.type === 'store' && e.requestId === last.requestId) ?? []).map((e) => String(/** @type {StoreEvent} */ (e).op)),
      storedSession: (/** @type {string} */ id) => latestStore(target.events)?.sessions[id],
      lastSet: cookieSeen.lastSet,
    };
    const failure = compare(expect, result, seen);
    cookieSeen.lastSet = seen.lastSet;
    if (failure) return { step: i, request, ...failure };
    previous = { sessionId };
  }
  return null;
}

/** The store's contents after the last operation the probe saw. @param {Events} events @returns {StoreEvent | undefined} */
function latestStore(events) {
  return /** @type {StoreEvent | undefined} the match says so */ (events.latest((e) => e.type === 'store'));
}

/** @param {ScenarioStep[]} scenario @param {number} i */
function nextWantsSameSession(scenario, i) {
  for (let j = i + 1; j < scenario.length; j++) {
    const step = /** @type {ScenarioStep} */ (scenario[j]);
    if (isRequest(step)) return /** @type {ScenarioRequest} */ (step).expect?.sameSession !== undefined;
  }
  return false;
}

/**
 * Runs checks one after another (each starts with fresh jars for A and B).
 * @param {RunOptions} o @returns {Promise<CheckResult[]>}
 */
export async function runChecks(o) {
  /** @type {CheckResult[]} */
  const results = [];
  for (const check of o.checks ?? []) {
    try {
      results.push(await runCheck(check, o));
    } catch (err) {
      results.push({
        id: check?.id ?? '?',
        passed: false,
        message: check?.message ?? '',
        ...(check?.hint ? { hint: check.hint } : {}),
        detail: { step: -1, expected: {}, actual: { error: { key: 'failed', message: String(/** @type {any} */ (err)?.message ?? err) } } },
      });
    }
  }
  return results;
}
