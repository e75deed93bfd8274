// The sequence diagram's model (pure): one request — and the redirects followed after it — as the
// conversation between the browser, the server and the session store, built from what the
// timeline already folded from the probe (timeline.ts): the Cookie header that went in, each
// store operation with its answer, the Set-Cookie that came back. It also says what the exchange
// did to the session, in the terms express-session works in (node_modules/express-session/index.js):
//   - a cookie whose signature does not verify (or that is not signed) is dropped by getcookie()
//     before the store is asked, and a new session is generated: "refused", then "new session";
//   - a cookie whose session the store does not have (get → not found) also gets a new session;
//   - destroy() removes the session; regenerate() (Store.prototype.regenerate) is a destroy and a
//     new id: the probe reports the destroy, then regenerate with previousSessionId.
// The view (sequence-view.ts) draws this as SVG and as a text list; no words here, only facts.
import type { RequestEntry, StoreOperation, TimelineEntry } from './timeline.ts';
import { sentCookie, setCookies } from './timeline.ts';

export type Lane = 'browser' | 'server' | 'store';

/** How a step reads at a glance (the view gives each a colour and a word). */
export type Tone = 'plain' | 'new' | 'refused' | 'destroyed' | 'regenerated' | 'found' | 'missing' | 'error' | 'pending';

export interface CookieRef {
  readonly name: string;
  /** The session id in it (null: not an express-session value). */
  readonly sessionId: string | null;
}

export interface SetCookieRef extends CookieRef {
  /** The Set-Cookie removes it (Expires in the past, Max-Age 0). */
  readonly cleared: boolean;
  /** It carries a session id the request did not bring (a new or regenerated session). */
  readonly fresh: boolean;
}

export type StoreResult = 'found' | 'notFound' | 'saved' | 'touched' | 'destroyed' | 'regenerated' | 'cleared' | 'error' | 'answered';

export type SequenceStep =
  /** browser → server */
  | { readonly kind: 'request'; readonly tone: Tone; readonly method: string; readonly path: string; readonly cookie: CookieRef | null }
  /** on the server: the cookie's signature did not verify, express-session ignored it */
  | { readonly kind: 'refused'; readonly tone: Tone; readonly cookie: CookieRef }
  /** on the server: a new session (saved: the store got it in this exchange) */
  | { readonly kind: 'newSession'; readonly tone: Tone; readonly sessionId: string; readonly saved: boolean }
  /** server → store */
  | { readonly kind: 'storeCall'; readonly tone: Tone; readonly op: string; readonly sessionId: string | null; readonly previousSessionId?: string }
  /** store → server */
  | { readonly kind: 'storeReply'; readonly tone: Tone; readonly op: string; readonly result: StoreResult; readonly sessionId: string | null; readonly previousSessionId?: string; readonly error?: string }
  /** server → browser */
  | { readonly kind: 'response'; readonly tone: Tone; readonly status: number; readonly location?: string; readonly cookies: readonly SetCookieRef[] }
  /** server → browser, with no answer (yet, or ever: the request failed) */
  | { readonly kind: 'noAnswer'; readonly tone: Tone; readonly failure?: string };

export type Verdict =
  | { readonly kind: 'new'; readonly sessionId: string }
  | { readonly kind: 'refused'; readonly sessionId: string | null }
  | { readonly kind: 'destroyed'; readonly sessionId: string }
  | { readonly kind: 'regenerated'; readonly sessionId: string; readonly previousSessionId: string };

export interface SequenceExchange {
  /** The timeline entry's key. */
  readonly key: string;
  readonly method: string;
  readonly path: string;
  readonly status: number | null;
  readonly steps: readonly SequenceStep[];
  /** What it did to the session, in order. */
  readonly verdicts: readonly Verdict[];
}

export interface SequenceDiagram {
  readonly browser: string;
  readonly instance: string;
  /** The request, then each redirect the browser followed. */
  readonly exchanges: readonly SequenceExchange[];
}

/** The lanes, left to right. */
export const LANES: readonly Lane[] = ['browser', 'server', 'store'];

/** Which lanes a step goes between (a note sits on one). */
export function stepLanes(step: SequenceStep): { readonly from: Lane; readonly to: Lane } {
  switch (step.kind) {
    case 'request':
      return { from: 'browser', to: 'server' };
    case 'storeCall':
      return { from: 'server', to: 'store' };
    case 'storeReply':
      return { from: 'store', to: 'server' };
    case 'response':
    case 'noAnswer':
      return { from: 'server', to: 'browser' };
    default:
      return { from: 'server', to: 'server' };
  }
}

const isRequest = (entry: TimelineEntry): entry is RequestEntry => entry.kind === 'request';

/** Where a Location header sends a browser that was at `from`: a path with its query. */
export function locationPath(location: string, from: string): string | null {
  try {
    const url = new URL(location, new URL(from || '/', 'http://localhost'));
    return `${url.pathname}${url.search}`;
  } catch {
    return null;
  }
}

/** `next` is the browser following `previous`'s redirect: same browser and server, the Location's path. */
export function followsRedirect(previous: RequestEntry, next: RequestEntry): boolean {
  const response = previous.response;
  if (!response || response.status < 300 || response.status > 399 || response.location === undefined) return false;
  if (next.browser !== previous.browser || next.instance !== previous.instance) return false;
  return locationPath(response.location, previous.path) === next.path;
}

/** Every request and the redirects followed after it, oldest first. */
export function requestChains(entries: readonly TimelineEntry[]): RequestEntry[][] {
  const chains: RequestEntry[][] = [];
  /** browser + instance → the chain whose last request came from it */
  const open = new Map<string, RequestEntry[]>();
  for (const entry of entries) {
    if (!isRequest(entry)) continue;
    const lane = `${entry.instance}\u0000${entry.browser}`;
    const chain = open.get(lane);
    const last = chain?.[chain.length - 1];
    if (chain && last && followsRedirect(last, entry)) chain.push(entry);
    else {
      const fresh = [entry];
      chains.push(fresh);
      open.set(lane, fresh);
    }
  }
  return chains;
}

/** The chain a request belongs to (its first request's key is the chain's). */
export const chainOf = (entries: readonly TimelineEntry[], key: string): RequestEntry[] | null =>
  requestChains(entries).find((chain) => chain.some((entry) => entry.key === key)) ?? null;

/** The newest chain; the checks' requests are passed over unless asked for (they come in bursts). */
export function latestChain(entries: readonly TimelineEntry[], options: { includeChecks?: boolean } = {}): RequestEntry[] | null {
  const chains = requestChains(entries).filter((chain) => options.includeChecks || chain[0]!.source !== 'check');
  return chains[chains.length - 1] ?? null;
}

const REPLY: Record<string, StoreResult> = { set: 'saved', touch: 'touched', destroy: 'destroyed', regenerate: 'regenerated', clear: 'cleared' };

/** One request: its steps in the order they happened, and what it did to the session. */
export function exchangeOf(entry: RequestEntry, sessionName: string): SequenceExchange {
  const sent = sentCookie(entry, sessionName);
  const cookie: CookieRef | null = sent ? { name: sent.name, sessionId: sent.sessionId } : null;
  const response = entry.response;
  const store = entry.store;
  const ended = response?.sessionId ?? null;
  const regenerated = store.filter((op) => op.op === 'regenerate' && op.sessionId);
  const madeByRegenerate = new Set(regenerated.map((op) => op.sessionId));
  const touchesSent = (op: StoreOperation) => cookie?.sessionId != null && (op.sessionId === cookie.sessionId || op.previousSessionId === cookie.sessionId);

  // express-session asked the store for the cookie's session unless the cookie did not verify;
  // that is only known once the response says which session the request ended with.
  const refused = cookie !== null && response !== null && ended !== null && ended !== cookie.sessionId && !store.some(touchesSent);
  const lookup = cookie ? store.find((op) => op.op === 'get' && op.sessionId === cookie.sessionId) : undefined;
  const newSession = ended !== null && ended !== cookie?.sessionId && !madeByRegenerate.has(ended) && response !== null ? ended : null;
  /** Sessions this exchange created: a set of one of them is the new session being stored. */
  const fresh = new Set<string | null>([newSession, ...madeByRegenerate].filter((id) => id !== null));

  const steps: SequenceStep[] = [{ kind: 'request', tone: 'plain', method: entry.method, path: entry.path, cookie }];
  const verdicts: Verdict[] = [];
  const addNewSession = () => {
    if (newSession === null) return;
    steps.push({ kind: 'newSession', tone: 'new', sessionId: newSession, saved: store.some((op) => op.op === 'set' && op.sessionId === newSession && !op.error) });
    verdicts.push({ kind: 'new', sessionId: newSession });
  };
  if (refused) {
    steps.push({ kind: 'refused', tone: 'refused', cookie });
    verdicts.push({ kind: 'refused', sessionId: cookie.sessionId });
  }
  // A new session comes when the request arrives — or, for a cookie the store does not know,
  // when the store has said so.
  if (!lookup || lookup.found !== false) addNewSession();

  store.forEach((op, index) => {
    const previous = op.previousSessionId === undefined ? {} : { previousSessionId: op.previousSessionId };
    const callTone: Tone = op.op === 'destroy' || op.op === 'clear' ? 'destroyed' : op.op === 'regenerate' ? 'regenerated' : op.op === 'set' && fresh.has(op.sessionId) ? 'new' : 'plain';
    steps.push({ kind: 'storeCall', tone: callTone, op: op.op, sessionId: op.sessionId, ...previous });
    let result: StoreResult;
    let tone: Tone;
    if (op.error !== undefined) {
      result = 'error';
      tone = 'error';
    } else if (op.op === 'get') {
      result = op.found === undefined ? 'answered' : op.found ? 'found' : 'notFound';
      tone = op.found === undefined ? 'plain' : op.found ? 'found' : 'missing';
    } else {
      result = REPLY[op.op] ?? 'answered';
      tone = callTone;
    }
    steps.push({ kind: 'storeReply', tone, op: op.op, result, sessionId: op.sessionId, ...previous, ...(op.error === undefined ? {} : { error: op.error }) });
    if (op === lookup && op.found === false) addNewSession();
    if (op.error === undefined && op.op === 'regenerate' && op.sessionId && op.previousSessionId) {
      verdicts.push({ kind: 'regenerated', sessionId: op.sessionId, previousSessionId: op.previousSessionId });
    }
    // regenerate() destroys the old session first: that destroy is part of the regenerate.
    const next = store[index + 1];
    const partOfRegenerate = next?.op === 'regenerate' && next.previousSessionId === op.sessionId;
    if (op.error === undefined && op.op === 'destroy' && op.sessionId && !partOfRegenerate) verdicts.push({ kind: 'destroyed', sessionId: op.sessionId });
  });

  if (response) {
    const cookies = setCookies(entry).map((c) => ({ ...c, fresh: c.sessionId !== null && !c.cleared && c.sessionId !== cookie?.sessionId }));
    const tone: Tone = cookies.some((c) => c.cleared) ? 'destroyed' : cookies.some((c) => c.fresh) ? 'new' : 'plain';
    steps.push({ kind: 'response', tone, status: response.status, ...(response.location === undefined ? {} : { location: response.location }), cookies });
  } else {
    steps.push({ kind: 'noAnswer', tone: entry.error ? 'error' : 'pending', ...(entry.error ? { failure: entry.error.key } : {}) });
  }
  return { key: entry.key, method: entry.method, path: entry.path, status: response?.status ?? null, steps, verdicts };
}

/** The diagram of a chain (a request and the redirects followed after it). */
export function diagramOf(chain: readonly RequestEntry[], sessionName: string): SequenceDiagram | null {
  const first = chain[0];
  if (!first) return null;
  return { browser: first.browser, instance: first.instance, exchanges: chain.map((entry) => exchangeOf(entry, sessionName)) };
}
