// @ts-check
// Runs a step's checks: each is an HTTP scenario against the learner's server, judged by the
// responses (through the client) and by what the probe saw (session ids, the store's contents).
// A check never throws: whatever goes wrong becomes a failed result whose detail says what.
import { parseSetCookie, isSignedValue } from './client.mjs';

const PROBE_WAIT_MS = 2000;
const BODY_EXCERPT = 600;

/**
 * @typedef {import('./client.mjs').RequestResult} RequestResult
 * @typedef {import('./client.mjs').SendOptions} SendOptions
 * @typedef {import('./event-log.mjs').ProbeEvent} ProbeEvent
 * @typedef {{ status?: number, bodyIncludes?: string[], bodyExcludes?: string[], bodyMatches?: string,
 *   headers?: Record<string, string | null>, setsCookie?: boolean, cookieAttributes?: Record<string, string | boolean>,
 *   location?: string, storeSessions?: number, sameSession?: boolean }} Expectation
 * @typedef {{ browser?: string, method?: string, path: string, form?: Record<string, string>, follow?: boolean,
 *   expect?: Expectation, timeoutMs?: number }} ScenarioRequest
 * @typedef {{ restart: true }} ScenarioRestart
 * @typedef {{ id: string, message: string, hint?: string, scenario: (ScenarioRequest | ScenarioRestart)[] }} Check
 * @typedef {{ step: number, request?: { browser: string, method: string, path: string },
 *   expected: Record<string, unknown>, actual: Record<string, unknown> }} FailureDetail
 * @typedef {{ id: string, passed: boolean, message: string, hint?: string, detail: FailureDetail | null }} CheckResult
 * @typedef {{ waitFor: (match: (e: ProbeEvent) => boolean, ms: number) => Promise<ProbeEvent | null>,
 *   latest: (match: (e: ProbeEvent) => boolean) => ProbeEvent | undefined }} Events
 * @typedef {{ checks: Check[], send: (o: Omit<SendOptions, 'port'>) => Promise<RequestResult>, events: Events,
 *   restart: () => Promise<unknown>, resetJars?: () => Promise<unknown> }} RunOptions
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

/**
 * Compares one request's outcome with its expectation.
 * @param {Expectation} expect @param {RequestResult} result
 * @param {{ sessionNames: Set<string>, sessionId: string | undefined, previous: { sessionId: string | undefined } | null,
 *   storeCount: () => number }} seen
 * @returns {{ expected: Record<string, unknown>, actual: Record<string, unknown> } | null}
 */
function compare(expect, result, seen) {
  /** @type {Record<string, unknown>} */
  const expected = {};
  /** @type {Record<string, unknown>} */
  const actual = {};
  const final = /** @type {NonNullable<import('./client.mjs').Hop['response']>} */ (result.hops[result.hops.length - 1]?.response);
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

  if (expect.sameSession !== undefined) {
    const prev = seen.previous?.sessionId;
    const now = seen.sessionId;
    if (!seen.previous) fail('sameSession', expect.sameSession, { previous: null, current: now ?? null });
    else {
      const same = prev !== undefined && now !== undefined && prev === now;
      if (same !== expect.sameSession) fail('sameSession', expect.sameSession, { previous: prev ?? null, current: now ?? null });
    }
  }

  return Object.keys(expected).length ? { expected, actual } : null;
}

/** @param {ScenarioRequest | ScenarioRestart} step */
const isRestart = (step) => /** @type {any} */ (step).restart === true;

/**
 * @param {Check} check @param {RunOptions} o
 * @returns {Promise<CheckResult>}
 */
async function runCheck(check, { send, events, restart, resetJars }) {
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
  if (resetJars) await resetJars();
  /** @type {Set<string>} */
  const sessionNames = new Set(['connect.sid']);
  /** @type {{ sessionId: string | undefined } | null} */
  let previous = null;

  for (let i = 0; i < scenario.length; i++) {
    const step = /** @type {ScenarioRequest | ScenarioRestart} */ (scenario[i]);
    if (isRestart(step)) {
      try {
        await restart();
      } catch (err) {
        const e = /** @type {any} */ (err);
        return done({ step: i, expected: { restart: 'listening' }, actual: { restart: { key: e?.key ?? 'failed', message: String(e?.message ?? err) } } });
      }
      continue;
    }
    const s = /** @type {ScenarioRequest} */ (step);
    const request = { browser: s.browser ?? 'A', method: s.method ?? 'GET', path: s.path };
    if (typeof s.path !== 'string' || !s.path.startsWith('/')) {
      return done({ step: i, request, expected: { path: 'a path starting with /' }, actual: { path: s.path ?? null } });
    }
    const expect = s.expect ?? {};
    /** @type {RequestResult} */
    let result;
    try {
      result = await send({ ...request, follow: s.follow ?? false, timeoutMs: s.timeoutMs ?? 5000, ...(s.form ? { form: s.form } : {}) });
    } catch (err) {
      const e = /** @type {any} */ (err);
      result = { hops: [], jar: [], error: { key: e?.key ?? 'failed', message: String(e?.message ?? err) } };
    }
    const last = result.hops[result.hops.length - 1];
    if (result.error || !last?.response) {
      return done({ step: i, request, expected: { response: true }, actual: { error: result.error ?? { key: 'failed', message: 'no response' } } });
    }
    // The probe sends a request's store events before its response event, so once the response
    // event is here the store's contents after this request are known.
    const needsProbe = expect.storeSessions !== undefined || expect.sameSession !== undefined || nextWantsSameSession(scenario, i);
    const responseEvent = needsProbe
      ? await events.waitFor((e) => e.type === 'response' && e.requestId === last.requestId, PROBE_WAIT_MS)
      : null;
    const sessionId = typeof responseEvent?.sessionId === 'string' ? responseEvent.sessionId : undefined;
    const failure = compare(expect, result, {
      sessionNames,
      sessionId,
      previous,
      storeCount: () => Object.keys(events.latest((e) => e.type === 'store')?.sessions ?? {}).length,
    });
    if (failure) return done({ step: i, request, ...failure });
    previous = { sessionId };
  }
  return done(null);
}

/** @param {(ScenarioRequest | ScenarioRestart)[]} scenario @param {number} i */
function nextWantsSameSession(scenario, i) {
  for (let j = i + 1; j < scenario.length; j++) {
    const step = /** @type {ScenarioRequest | ScenarioRestart} */ (scenario[j]);
    if (!isRestart(step)) return /** @type {ScenarioRequest} */ (step).expect?.sameSession !== undefined;
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
