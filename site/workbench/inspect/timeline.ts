// The timeline's model (pure): every request in the order it reached the server, from the
// request panel, the preview, the checks or the terminal alike, folded from the probe's events
// (request → store operations → response, tied by requestId) and the request panel's results
// (the whole exchange: headers and body). Server starts and crashes are entries too, so a
// restart shows where it happened. Entries are immutable: a change replaces the entry (same key).
import type { Instance } from '../../../lab/protocol/host.ts';
import type { ProbeEvent } from '../../../lab/protocol/probe.ts';
import type { BrowserId, Hop, RequestFailure, RequestResult } from '../../../lab/protocol/requests.ts';
import { decodeSessionValue, expiresAt, isSignedValue, parseCookieHeader, parseSetCookie } from './cookie-decode.ts';

/** Where a request came from. `check`: sent by "Check my work" (A/B while checks run). */
export type EntrySource = 'panel' | 'preview' | 'check' | 'terminal' | 'other';

export interface StoreOperation {
  readonly op: string;
  readonly sessionId: string | null;
  readonly previousSessionId?: string;
  readonly found?: boolean;
  readonly error?: string;
  /** Sessions in the store after the operation. */
  readonly sessions: number;
  readonly time: number;
}

export interface EntryResponse {
  readonly status: number;
  readonly setCookie: readonly string[];
  /** `req.sessionID` when the response ended (null: no session middleware ran). */
  readonly sessionId: string | null;
  readonly location?: string;
  /** The connection closed before the response finished. */
  readonly aborted?: boolean;
}

export interface RequestEntry {
  readonly kind: 'request';
  /** Unique in the timeline. */
  readonly key: string;
  readonly instance: Instance;
  readonly requestId: string;
  /** `A`, `B`, `none`, `preview`, `terminal`, … */
  readonly browser: string;
  readonly source: EntrySource;
  readonly method: string;
  readonly path: string;
  readonly time: number;
  /** The `Cookie` header the request carried. */
  readonly cookie: string | null;
  readonly response: EntryResponse | null;
  readonly store: readonly StoreOperation[];
  /** The whole exchange, for requests sent from the request panel. */
  readonly hop?: Hop;
  /** The request panel's request failed here (timeout, connection refused, …). */
  readonly error?: RequestFailure;
}

export interface ServerEntry {
  readonly kind: 'listening' | 'error';
  readonly key: string;
  readonly instance: Instance;
  readonly time: number;
  readonly port?: number;
  readonly message?: string;
}

export type TimelineEntry = RequestEntry | ServerEntry;

export interface FoldContext {
  /** Checks are running: requests of A/B come from them, not from the panel. */
  readonly checking?: boolean;
  /** Time for entries made from a request result (default Date.now()). */
  readonly now?: number;
}

export interface Timeline {
  /** Folds one probe event in; returns the entry it made or changed (null: nothing to show). */
  event(instance: Instance, event: ProbeEvent, context?: FoldContext): TimelineEntry | null;
  /** Folds the request panel's result in (each hop's whole exchange); returns the entries touched. */
  result(instance: Instance, browser: BrowserId, result: RequestResult, context?: FoldContext): RequestEntry[];
  /** Oldest first. */
  entries(): readonly TimelineEntry[];
  get(key: string): TimelineEntry | undefined;
  /** The latest entry of a request. */
  find(instance: Instance, requestId: string): RequestEntry | undefined;
  clear(): void;
}

export const DEFAULT_TIMELINE_LIMIT = 300;

const isString = (value: unknown): value is string => typeof value === 'string';
const header = (headers: readonly (readonly [string, string])[], name: string) =>
  headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);

export function sourceOf(browser: string, checking: boolean): EntrySource {
  if (browser === 'preview') return 'preview';
  if (browser === 'terminal') return 'terminal';
  if (browser === 'A' || browser === 'B' || browser === 'none') return checking ? 'check' : 'panel';
  return 'other';
}

export function createTimeline(options: { limit?: number } = {}): Timeline {
  const limit = Math.max(1, options.limit ?? DEFAULT_TIMELINE_LIMIT);
  const entries = new Map<string, TimelineEntry>();
  /** instance + requestId → key of its latest entry */
  const latest = new Map<string, string>();
  /** Keys whose probe `request` event has been seen (a later one is a new request). */
  const requestSeen = new Set<string>();
  let seq = 0;

  const idKey = (instance: Instance, requestId: string) => `${instance}\u0000${requestId}`;
  const newKey = (instance: Instance, what: string) => `${instance}/${what}/${++seq}`;

  const put = <E extends TimelineEntry>(entry: E): E => {
    entries.set(entry.key, entry);
    while (entries.size > limit) {
      const oldest = entries.keys().next().value as string;
      entries.delete(oldest);
      requestSeen.delete(oldest);
      const old = [...latest].find(([, key]) => key === oldest);
      if (old) latest.delete(old[0]);
    }
    return entry;
  };

  const find = (instance: Instance, requestId: string): RequestEntry | undefined => {
    const key = latest.get(idKey(instance, requestId));
    const entry = key === undefined ? undefined : entries.get(key);
    return entry?.kind === 'request' ? entry : undefined;
  };

  const create = (instance: Instance, requestId: string, fields: Omit<RequestEntry, 'kind' | 'key' | 'instance' | 'requestId' | 'store' | 'response'> & Partial<Pick<RequestEntry, 'response'>>): RequestEntry => {
    const entry: RequestEntry = { kind: 'request', key: newKey(instance, requestId), instance, requestId, store: [], response: null, ...fields };
    latest.set(idKey(instance, requestId), entry.key);
    return put(entry);
  };

  const replace = (entry: RequestEntry, patch: Partial<RequestEntry>): RequestEntry => {
    const next = { ...entry, ...patch } as RequestEntry;
    entries.set(entry.key, next);
    return next;
  };

  /** A request's entry, made from what a later event knows when its `request` event was not seen. */
  const entryFor = (instance: Instance, requestId: string, browser: string, time: number, checking: boolean) =>
    find(instance, requestId) ??
    create(instance, requestId, { browser, source: sourceOf(browser, checking), method: '', path: '', time, cookie: null });

  return {
    event(instance, event, context = {}) {
      const checking = context.checking ?? false;
      const time = eventTime(event);
      switch (event.type) {
        case 'request': {
          const existing = find(instance, event.requestId);
          if (existing && !requestSeen.has(existing.key)) {
            // The request panel's result came first: the probe's view completes it.
            requestSeen.add(existing.key);
            return replace(existing, { browser: event.browser, method: event.method, path: event.path, cookie: event.cookie, time: Math.min(existing.time, time) });
          }
          const entry = create(instance, event.requestId, {
            browser: event.browser,
            source: sourceOf(event.browser, checking),
            method: event.method,
            path: event.path,
            time,
            cookie: event.cookie,
          });
          requestSeen.add(entry.key);
          return entry;
        }
        case 'response': {
          const entry = entryFor(instance, event.requestId, isString(event.browser) ? event.browser : 'other', time, checking);
          const response: EntryResponse = {
            status: event.status,
            setCookie: [...event.setCookie],
            sessionId: event.sessionId ?? null,
            ...(isString(event.location) ? { location: event.location } : {}),
            ...(event.aborted === true ? { aborted: true } : {}),
          };
          return replace(entry, { response });
        }
        case 'store': {
          if (!isString(event.requestId)) return null;
          const entry = entryFor(instance, event.requestId, 'other', time, checking);
          const op: StoreOperation = {
            op: event.op,
            sessionId: event.sessionId ?? null,
            sessions: Object.keys(event.sessions ?? {}).length,
            time,
            ...(isString(event.previousSessionId) ? { previousSessionId: event.previousSessionId } : {}),
            ...(typeof event.found === 'boolean' ? { found: event.found } : {}),
            ...(event.error !== undefined && event.error !== null ? { error: String(event.error) } : {}),
          };
          return replace(entry, { store: [...entry.store, op] });
        }
        case 'listening':
          return put({ kind: 'listening', key: newKey(instance, 'listening'), instance, time, port: event.port });
        case 'error':
          return put({ kind: 'error', key: newKey(instance, 'error'), instance, time, message: event.message });
        default:
          // An event type this version does not know: nothing to show.
          return null;
      }
    },

    result(instance, browser, result, context = {}) {
      const now = context.now ?? Date.now();
      const touched: RequestEntry[] = [];
      result.hops.forEach((hop, index) => {
        const last = index === result.hops.length - 1;
        const existing = find(instance, hop.requestId);
        const fromHop: Partial<RequestEntry> = {
          hop,
          source: 'panel',
          ...(last && result.error ? { error: result.error } : {}),
        };
        if (existing) {
          const response = !existing.response && hop.response ? { response: responseOf(hop) } : {};
          touched.push(replace(existing, { ...fromHop, ...response }));
        } else {
          const entry = create(instance, hop.requestId, {
            browser,
            source: 'panel',
            method: hop.request.method,
            path: hop.request.path,
            time: now,
            cookie: header(hop.request.headers, 'cookie')[0] ?? null,
            response: hop.response ? responseOf(hop) : null,
          });
          touched.push(replace(entry, fromHop));
        }
      });
      return touched;
    },

    entries: () => [...entries.values()],
    get: (key) => entries.get(key),
    find,
    clear() {
      entries.clear();
      latest.clear();
      requestSeen.clear();
    },
  };
}

/** When the probe stamped the event (lab/protocol/probe.ts), or now for an event without a stamp. */
export const eventTime = (event: ProbeEvent): number => (typeof event.time === 'number' ? event.time : Date.now());

/** What a hop's response says, for a request whose probe `response` event has not come (yet). */
function responseOf(hop: Hop): EntryResponse {
  const response = hop.response!;
  const location = header(response.headers, 'location')[0];
  return {
    status: response.status,
    setCookie: header(response.headers, 'set-cookie'),
    sessionId: null,
    ...(location === undefined ? {} : { location }),
  };
}

// ─── What an entry says about cookies (for its one-line summary) ──────────────────────────────

export interface CookieMention {
  readonly name: string;
  /** The session id, when the value is an express-session one. */
  readonly sessionId: string | null;
  /** A Set-Cookie that removes the cookie (Expires in the past, Max-Age ≤ 0). */
  readonly cleared: boolean;
}

/** The session cookie the request carried: by name, else any signed value. */
export function sentCookie(entry: RequestEntry, sessionName: string): CookieMention | null {
  const cookies = parseCookieHeader(entry.cookie);
  const cookie = cookies.find((c) => c.name === sessionName) ?? cookies.find((c) => isSignedValue(c.value));
  if (!cookie) return null;
  return { name: cookie.name, sessionId: decodeSessionValue(cookie.value).sessionId, cleared: false };
}

/** The cookies the response set (or cleared). */
export function setCookies(entry: RequestEntry, now: number = entry.time): CookieMention[] {
  return (entry.response?.setCookie ?? []).flatMap((raw) => {
    const parsed = parseSetCookie(raw);
    if (!parsed) return [];
    const expiry = expiresAt(parsed, now);
    return [{ name: parsed.name, sessionId: decodeSessionValue(parsed.value).sessionId, cleared: expiry !== null && expiry <= now }];
  });
}
