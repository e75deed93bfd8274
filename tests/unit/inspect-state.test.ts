// The inspector's shared state over a fake session and host: jars follow requests and edits,
// the session cookie is found and verified (again after a restart), checks' requests are told
// apart, a new host means new jars, a lesson switch starts empty.
import { describe, expect, it, vi } from 'vitest';
import type { HostClient } from '../../site/runtime/host-client.ts';
import type { Instance, RequestParams } from '../../lab/protocol/host.ts';
import type { ProbeEvent, VerifyResult } from '../../lab/protocol/probe.ts';
import type { BrowserId, JarCookie, RequestResult } from '../../lab/protocol/requests.ts';
import type { LessonSession, SessionState } from '../../site/workbench/session/session.ts';
import { createInspectState } from '../../site/workbench/inspect/state.ts';
import type { RequestEntry } from '../../site/workbench/inspect/timeline.ts';

const ID = 'A'.repeat(32);
const SIG = 'b'.repeat(43);
const VALUE = `s%3A${ID}.${SIG}`;
const jarCookie = (name: string, value: string): JarCookie => ({ name, value, domain: 'localhost', path: '/', expires: null, httpOnly: true, secure: false, sameSite: null });

function fakeHost(overrides: Partial<HostClient> = {}) {
  const jars = new Map<BrowserId, JarCookie[]>([['A', []], ['B', []]]);
  const verify = vi.fn(async (value: string): Promise<VerifyResult> => ({ signature: value.endsWith(SIG) ? 'valid' : 'invalid', sessionId: ID }));
  const host = {
    closed: false,
    jar: vi.fn(async (b: BrowserId) => jars.get(b) ?? []),
    setCookie: vi.fn(async (b: BrowserId, name: string, value: string) => {
      const next = (jars.get(b) ?? []).map((c) => (c.name === name ? { ...c, value } : c));
      jars.set(b, next);
      return next;
    }),
    clearJar: vi.fn(async (b?: BrowserId) => {
      for (const key of b ? [b] : (['A', 'B'] as BrowserId[])) jars.set(key, []);
    }),
    verify,
    request: vi.fn(async (params: RequestParams): Promise<RequestResult> => {
      const cookie = jarCookie('app.sid', VALUE);
      jars.set(params.browser, params.browser === 'none' ? [] : [cookie]);
      return {
        hops: [
          {
            requestId: 'c1-1',
            request: { method: params.method, path: params.path, headers: [] },
            response: { status: 200, statusText: 'OK', headers: [['Set-Cookie', `app.sid=${VALUE}; Path=/; Max-Age=60; HttpOnly`]], body: 'ok', truncated: false },
            ms: 1,
          },
        ],
        jar: jars.get(params.browser) ?? [],
      };
    }),
    check: vi.fn(async () => [{ id: 'x', passed: true, message: 'm', detail: null }]),
    ...overrides,
  };
  return { host: host as unknown as HostClient, jars, verify };
}

function fakeSession(initial: HostClient | null) {
  let host = initial;
  const probe = new Set<(event: ProbeEvent, instance: Instance) => void>();
  const state = new Set<(s: SessionState) => void>();
  const session = {
    host: () => host,
    state: () => ({ phase: 'running' }) as SessionState,
    onProbe: (l: (event: ProbeEvent, instance: Instance) => void) => (probe.add(l), () => probe.delete(l)),
    onState: (l: (s: SessionState) => void) => (state.add(l), () => state.delete(l)),
  } as unknown as LessonSession;
  return {
    session,
    emit: (event: Record<string, unknown>, instance = 'main') => probe.forEach((l) => l({ time: 1, ...event } as unknown as ProbeEvent, instance)),
    replaceHost: (next: HostClient | null) => {
      host = next;
      state.forEach((l) => l({ phase: 'running' } as SessionState));
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('inspect state', () => {
  it('sends as a browser: the timeline, the jar and the renamed session cookie follow; its signature is verified', async () => {
    const { host, verify } = fakeHost();
    const { session } = fakeSession(host);
    const state = createInspectState({ session, now: () => 5000 });
    const changes: string[] = [];
    state.on((c) => changes.push(c));
    await state.send({ browser: 'A', method: 'GET', path: '/viewcount' });
    expect(host.request).toHaveBeenCalledWith({ browser: 'A', method: 'GET', path: '/viewcount', instance: 'main' });
    expect(state.jar('A').map((c) => c.name)).toEqual(['app.sid']);
    expect(state.sessionCookieName()).toBe('app.sid');
    const found = state.sessionCookie('A')!;
    expect(found.decoded.sessionId).toBe(ID);
    expect(found.setBy).toMatchObject({ receivedAt: 5000, header: { maxAge: 60 } });
    await settle();
    expect(verify).toHaveBeenCalledWith(VALUE, 'main');
    expect(state.signature('A')).toBe('valid');
    expect(state.currentSessionId()).toBe(ID);
    expect(changes).toContain('verify');
    expect((state.timeline.entries()[0] as RequestEntry).hop?.response?.body).toBe('ok');
  });

  it('the tamper demo: an edited value is verified again and no longer points at a session', async () => {
    const { host } = fakeHost();
    const { session } = fakeSession(host);
    const state = createInspectState({ session });
    await state.send({ browser: 'B', method: 'GET', path: '/' });
    await settle();
    expect(state.currentSessionId('B')).toBe(ID);
    await state.setCookie('B', 'app.sid', `${VALUE}x`);
    await settle();
    expect(state.signature('B')).toBe('invalid');
    expect(state.currentSessionId('B')).toBeNull();
    await state.clearJar('B');
    expect(state.sessionCookie('B')).toBeNull();
    expect(state.signature('B')).toBeNull();
  });

  it('asks again after a restart (maybe another secret) and after a response when the verdict was unknown', async () => {
    let answer: VerifyResult['signature'] = 'unknown';
    const { host } = fakeHost({ verify: vi.fn(async () => ({ signature: answer })) } as Partial<HostClient>);
    const { session, emit } = fakeSession(host);
    const state = createInspectState({ session });
    await state.send({ browser: 'A', method: 'GET', path: '/' });
    await settle();
    expect(state.signature('A')).toBe('unknown');
    answer = 'valid';
    emit({ type: 'response', requestId: 'p1', status: 200, setCookie: [], sessionId: ID });
    await settle();
    expect(state.signature('A')).toBe('valid');
    answer = 'invalid';
    emit({ type: 'response', requestId: 'p2', status: 200, setCookie: [], sessionId: ID });
    await settle();
    expect(state.signature('A')).toBe('valid'); // known verdicts stay until a restart
    emit({ type: 'listening', port: 3000 });
    await settle();
    expect(state.signature('A')).toBe('invalid');
    expect(host.verify).toHaveBeenCalledTimes(3);
  });

  it('folds probe events into the timeline and the stores, and learns new instances', () => {
    const { host } = fakeHost();
    const { session, emit } = fakeSession(host);
    const state = createInspectState({ session });
    const stores: string[] = [];
    state.onStore((u) => stores.push(`${u.instance}:${[...u.changes].join()}`));
    const changes: string[] = [];
    state.on((c) => changes.push(c));
    emit({ type: 'request', requestId: 'p1', browser: 'preview', method: 'GET', path: '/', cookie: null });
    emit({ type: 'store', requestId: 'p1', op: 'set', sessionId: 's1', sessions: { s1: {} } });
    emit({ type: 'listening', port: 4000 }, 'second');
    expect(state.timeline.entries().map((e) => e.kind)).toEqual(['request', 'listening']);
    expect(stores).toEqual(['main:s1,added', 'second:']);
    expect(state.instances()).toEqual(['main', 'second']);
    expect(changes).toContain('instances');
    expect(state.stores.get('second')?.known).toBe(false);
  });

  it("marks the checks' own requests while checks run", async () => {
    let finish!: () => void;
    const { host } = fakeHost({
      check: vi.fn(() => new Promise((resolve) => (finish = () => resolve([])))),
    } as Partial<HostClient>);
    const { session, emit } = fakeSession(host);
    const state = createInspectState({ session });
    const running = state.runChecks([{ id: 'x', message: 'x', scenario: [{ browser: 'A', method: 'GET', path: '/', follow: false, expect: { status: 200 } }] }]);
    expect(state.checking()).toBe(true);
    emit({ type: 'request', requestId: 'c9-1', browser: 'A', method: 'GET', path: '/', cookie: null });
    finish();
    await running;
    expect(state.checking()).toBe(false);
    emit({ type: 'request', requestId: 'c9-2', browser: 'A', method: 'GET', path: '/', cookie: null });
    expect((state.timeline.entries() as RequestEntry[]).map((e) => e.source)).toEqual(['check', 'panel']);
  });

  it('without a host, commands reject with a runtime error the panels can say', async () => {
    const { session } = fakeSession(null);
    const state = createInspectState({ session });
    await expect(state.send({ browser: 'A', method: 'GET', path: '/' })).rejects.toMatchObject({ key: 'runtime.error.serverStopped' });
    await expect(state.runChecks([])).rejects.toMatchObject({ key: 'runtime.error.serverStopped' });
  });

  it('a new host (a retry) has new jars; a lesson switch starts everything empty', async () => {
    const first = fakeHost();
    const { session, replaceHost, emit } = fakeSession(first.host);
    const state = createInspectState({ session });
    await state.send({ browser: 'A', method: 'GET', path: '/' });
    const second = fakeHost();
    second.jars.set('A', [jarCookie('connect.sid', 's%3Aother.sig')]);
    replaceHost(second.host);
    expect(state.jar('A')).toEqual([]);
    await settle();
    expect(state.jar('A').map((c) => c.value)).toEqual(['s%3Aother.sig']);
    emit({ type: 'store', requestId: 'p1', op: 'set', sessionId: 's1', sessions: { s1: {} } });
    await state.reset();
    expect(state.timeline.entries()).toEqual([]);
    expect(state.stores.instances()).toEqual([]);
    expect(state.jar('A')).toEqual([]);
    expect(second.host.clearJar).toHaveBeenCalledWith();
    state.dispose();
  });
});
