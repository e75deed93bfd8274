// What the inspector's panels share (no DOM): which browser the learner is now, each browser's
// cookie jar, the timeline and the store folded from the probe, and whether the session cookie's
// signature verifies. One per workbench (createInspectState); the panels read it and listen.
// Every host command the inspector sends goes through here, so the panels stay in step.
import { DEFAULT_INSTANCE, type HostClient } from '../../runtime/host-client.ts';
import type { Instance, RequestParams } from '../../../lab/protocol/host.ts';
import type { ProbeEvent, VerifyResult } from '../../../lab/protocol/probe.ts';
import type { BrowserId, JarCookie, RequestResult } from '../../../lab/protocol/requests.ts';
import type { Check, CheckResult } from '../../../lab/protocol/checks.ts';
import { createListeners, reportPageError } from '../../runtime/listeners.ts';
import { RuntimeError, type Unsubscribe } from '../../runtime/types.ts';
import type { LessonSession } from '../session/session-types.ts';
import { DEFAULT_SESSION_COOKIE, decodeSessionValue, findSessionCookie, isSignedValue, parseSetCookie, type DecodedValue, type ParsedSetCookie } from './cookie-decode.ts';
import { createStoreModel, sortInstances, type StoreModel, type StoreUpdate } from './store-model.ts';
import { createTimeline, eventTime, type Timeline, type TimelineEntry } from './timeline.ts';

/** The browsers the learner can be, in the picker's order. */
export const BROWSERS: readonly BrowserId[] = ['A', 'B', 'none'];
/** The browsers that keep cookies. */
export const JAR_BROWSERS: readonly BrowserId[] = ['A', 'B'];

export type InspectChange = 'browser' | 'instance' | 'instances' | 'jar' | 'verify' | 'checking' | 'reset';

export type Signature = VerifyResult['signature'] | 'pending';

export interface SessionCookie {
  readonly browser: BrowserId;
  readonly cookie: JarCookie;
  readonly decoded: DecodedValue;
  /** The `Set-Cookie` that put it in the jar (when the request panel saw it), and when it came. */
  readonly setBy?: { readonly header: ParsedSetCookie; readonly receivedAt: number };
}

export interface InspectState {
  readonly timeline: Timeline;
  readonly stores: StoreModel;
  /** The browser the learner is now (the request panel's picker; the cookie and store views follow). */
  browser(): BrowserId;
  setBrowser(browser: BrowserId): void;
  /** The server instance requests go to (`main` unless the lesson runs more than one). */
  instance(): Instance;
  setInstance(instance: Instance): void;
  /** Every instance the probe has spoken for, `main` first. */
  instances(): readonly Instance[];
  jar(browser: BrowserId): readonly JarCookie[];
  /** Asks the host for A's and B's jars again. */
  refreshJars(): Promise<void>;
  /** Sends a request as a browser (to `instance()`); the timeline and the jar follow. Rejects when
   * there is no host or the host refuses (use sessionError() for the message). */
  send(params: Omit<RequestParams, 'instance'>): Promise<RequestResult>;
  /** Edits a cookie's value (the tamper demo). */
  setCookie(browser: BrowserId, name: string, value: string): Promise<void>;
  /** Empties one browser's jar, or all. */
  clearJar(browser?: BrowserId): Promise<void>;
  /** The browser's session cookie (a renamed one too), taken apart. */
  sessionCookie(browser: BrowserId): SessionCookie | null;
  /** The session cookie's signature, as the running server's secret judges it. */
  signature(browser: BrowserId): Signature | null;
  /** The session the browser's cookie points at (null: none, or its signature is invalid). */
  currentSessionId(browser?: BrowserId): string | null;
  /** The name the app gives its session cookie (`connect.sid` unless renamed and seen). */
  sessionCookieName(): string;
  /** Runs checks on the running server (requests of A and B meanwhile are the checks'). */
  runChecks(checks: readonly Check[]): Promise<CheckResult[]>;
  checking(): boolean;
  /** A new lesson: the timeline, the stores and the jars start empty. */
  reset(): Promise<void>;
  on(listener: (change: InspectChange) => void): Unsubscribe;
  onTimeline(listener: (entry: TimelineEntry) => void): Unsubscribe;
  onStore(listener: (update: StoreUpdate) => void): Unsubscribe;
  dispose(): void;
}

export interface InspectStateDeps {
  readonly session: LessonSession;
  readonly now?: () => number;
  readonly timelineLimit?: number;
  /** A listener threw (default: reportError, else console.error). */
  readonly onListenerError?: (error: unknown) => void;
}

const noHost = () => new RuntimeError('runtime.error.serverStopped');

export function createInspectState(deps: InspectStateDeps): InspectState {
  const { session } = deps;
  const now = deps.now ?? Date.now;
  const onListenerError = deps.onListenerError ?? reportPageError;
  const timeline = createTimeline(deps.timelineLimit === undefined ? {} : { limit: deps.timelineLimit });
  const stores = createStoreModel();
  const listeners = {
    change: createListeners<[change: InspectChange]>(onListenerError),
    timeline: createListeners<[entry: TimelineEntry]>(onListenerError),
    store: createListeners<[update: StoreUpdate]>(onListenerError),
  };
  const changed = (change: InspectChange) => listeners.change.emit(change);

  let browser: BrowserId = 'A';
  let instance: Instance = DEFAULT_INSTANCE;
  const instances = new Set<Instance>([DEFAULT_INSTANCE]);
  const jars = new Map<BrowserId, readonly JarCookie[]>();
  /** browser → cookie name → the Set-Cookie that set it */
  const setBy = new Map<BrowserId, Map<string, { header: ParsedSetCookie; receivedAt: number }>>();
  let cookieName: string | null = null;
  /** `${instance}\u0000${value}` → the verdict */
  const verdicts = new Map<string, Signature>();
  let checks = 0;
  let disposed = false;
  let knownHost: HostClient | null = session.host();

  const host = (): HostClient => {
    const client = session.host();
    if (!client || client.closed) throw noHost();
    return client;
  };

  const learnName = (headers: readonly string[]) => {
    for (const raw of headers) {
      const parsed = parseSetCookie(raw);
      if (parsed && isSignedValue(parsed.value)) cookieName = parsed.name;
    }
  };

  /** Bumped by every jar the host hands back: a refresh that started earlier must not overwrite it. */
  let jarVersion = 0;
  const setJar = (which: BrowserId, cookies: readonly JarCookie[]) => {
    jarVersion += 1;
    if (which === 'none') return;
    jars.set(which, [...cookies]);
  };

  const sessionCookie = (which: BrowserId): SessionCookie | null => {
    const cookie = findSessionCookie(jars.get(which) ?? [], { name: cookieName, knownIds: stores.sessionIds() });
    if (!cookie) return null;
    const seen = setBy.get(which)?.get(cookie.name);
    return { browser: which, cookie, decoded: decodeSessionValue(cookie.value), ...(seen ? { setBy: seen } : {}) };
  };

  const verdictKey = (value: string) => `${instance}\u0000${value}`;

  /** Asks the server whether each browser's session cookie verifies (once per value and run). */
  const verifyAll = () => {
    if (disposed) return;
    for (const which of JAR_BROWSERS) {
      const found = sessionCookie(which);
      if (!found || !found.decoded.signed) continue;
      const key = verdictKey(found.cookie.value);
      if (verdicts.has(key)) continue;
      const client = session.host();
      if (!client || client.closed) continue;
      verdicts.set(key, 'pending');
      client.verify(found.cookie.value, instance).then(
        (result) => {
          if (disposed || verdicts.get(key) !== 'pending') return;
          verdicts.set(key, result.signature);
          changed('verify');
        },
        () => {
          // Not running now: unknown, asked again when it listens.
          if (disposed || verdicts.get(key) !== 'pending') return;
          verdicts.set(key, 'unknown');
          changed('verify');
        },
      );
    }
  };

  /** Forgets verdicts: all of an instance's (it restarted, maybe with another secret), or only the
   * unknown ones (the probe may have learned the secret since). */
  const forgetVerdicts = (of: Instance, onlyUnknown: boolean) => {
    let forgot = false;
    for (const [key, verdict] of verdicts) {
      if (!key.startsWith(`${of}\u0000`)) continue;
      if (onlyUnknown && verdict !== 'unknown') continue;
      verdicts.delete(key);
      forgot = true;
    }
    if (forgot) changed('verify');
    verifyAll();
  };

  const refreshJars = async () => {
    const client = session.host();
    if (!client || client.closed) return;
    const version = jarVersion;
    const results = await Promise.allSettled(JAR_BROWSERS.map((which) => client.jar(which)));
    if (disposed || client !== session.host() || version !== jarVersion) return;
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') setJar(JAR_BROWSERS[i]!, result.value);
    });
    changed('jar');
    verifyAll();
  };

  const onProbe = (event: ProbeEvent, from: Instance) => {
    if (!instances.has(from)) {
      instances.add(from);
      changed('instances');
    }
    const entry = timeline.event(from, event, { checking: checks > 0 });
    if (entry) listeners.timeline.emit(entry);
    if (event.type === 'store') listeners.store.emit(stores.apply(from, event, eventTime(event)));
    else if (event.type === 'listening') {
      listeners.store.emit(stores.started(from, eventTime(event)));
      if (from === instance) forgetVerdicts(from, false);
    } else if (event.type === 'response') {
      learnName(event.setCookie);
      if (from === instance) forgetVerdicts(from, true);
    }
  };

  const unsubscribe = [
    session.onProbe(onProbe),
    session.onState(() => {
      // A new host (a retry) has new, empty jars.
      const current = session.host();
      if (current === knownHost) return;
      knownHost = current;
      verdicts.clear();
      jarVersion += 1;
      jars.clear();
      setBy.clear();
      changed('jar');
      void refreshJars();
    }),
  ];

  const state: InspectState = {
    timeline,
    stores,
    browser: () => browser,
    setBrowser(next) {
      if (next === browser) return;
      browser = next;
      changed('browser');
    },
    instance: () => instance,
    setInstance(next) {
      if (next === instance) return;
      instance = next;
      instances.add(next);
      changed('instance');
      verifyAll();
    },
    instances: () => sortInstances(instances),
    jar: (which) => jars.get(which) ?? [],
    refreshJars,

    async send(params) {
      const client = host();
      const target = instance;
      const result = await client.request({ ...params, instance: target });
      if (disposed) return result;
      const at = now();
      for (const entry of timeline.result(target, params.browser, result, { now: at })) listeners.timeline.emit(entry);
      const seen = setBy.get(params.browser) ?? new Map<string, { header: ParsedSetCookie; receivedAt: number }>();
      for (const hop of result.hops) {
        const headers = (hop.response?.headers ?? []).filter(([name]) => name.toLowerCase() === 'set-cookie').map(([, value]) => value);
        learnName(headers);
        for (const raw of headers) {
          const parsed = parseSetCookie(raw);
          if (parsed) seen.set(parsed.name, { header: parsed, receivedAt: at });
        }
      }
      if (params.browser !== 'none') setBy.set(params.browser, seen);
      setJar(params.browser, result.jar);
      changed('jar');
      verifyAll();
      return result;
    },

    async setCookie(which, name, value) {
      const cookies = await host().setCookie(which, name, value);
      if (disposed) return;
      setJar(which, cookies);
      changed('jar');
      verifyAll();
    },

    async clearJar(which) {
      await host().clearJar(which);
      if (disposed) return;
      for (const b of which === undefined ? JAR_BROWSERS : [which]) {
        setJar(b, []);
        setBy.delete(b);
      }
      changed('jar');
    },

    sessionCookie,
    signature(which) {
      const found = sessionCookie(which);
      if (!found) return null;
      if (!found.decoded.signed) return 'invalid';
      return verdicts.get(verdictKey(found.cookie.value)) ?? 'pending';
    },
    currentSessionId(which = browser) {
      const found = sessionCookie(which);
      if (!found?.decoded.signed || !found.decoded.sessionId) return null;
      return state.signature(which) === 'invalid' ? null : found.decoded.sessionId;
    },
    sessionCookieName: () => cookieName ?? DEFAULT_SESSION_COOKIE,

    async runChecks(list) {
      const client = host();
      checks += 1;
      changed('checking');
      try {
        return await client.check(list, instance);
      } finally {
        checks -= 1;
        if (!disposed) {
          changed('checking');
          // The checks' own browsers are separate; the store and the server may have changed.
          void refreshJars();
        }
      }
    },
    checking: () => checks > 0,

    async reset() {
      timeline.clear();
      stores.clear();
      setBy.clear();
      verdicts.clear();
      jarVersion += 1;
      jars.clear();
      cookieName = null;
      changed('reset');
      const client = session.host();
      if (client && !client.closed) await client.clearJar().catch(() => {});
      if (!disposed) changed('jar');
    },

    on: (listener) => listeners.change.add(listener),
    onTimeline: (listener) => listeners.timeline.add(listener),
    onStore: (listener) => listeners.store.add(listener),
    dispose() {
      disposed = true;
      unsubscribe.forEach((off) => off());
      listeners.change.clear();
      listeners.timeline.clear();
      listeners.store.clear();
    },
  };

  void refreshJars();
  return state;
}
