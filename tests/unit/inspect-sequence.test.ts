// The sequence diagram's model on timelines made by hand: which requests form one diagram (a
// redirect the browser followed, the preview's included), which one "the latest" is, and an
// exchange still waiting or failed. The real express-session flows are in tests/node/sequence.test.ts.
import { describe, expect, it } from 'vitest';
import type { ProbeEvent } from '../../lab/protocol/probe.ts';
import { createTimeline, type RequestEntry } from '../../site/workbench/inspect/timeline.ts';
import { chainOf, exchangeOf, followsRedirect, latestChain, locationPath, requestChains, stepLanes } from '../../site/workbench/inspect/sequence.ts';

const ev = (event: Record<string, unknown>) => ({ time: 1, ...event }) as unknown as ProbeEvent;
function timelineOf(...requests: [id: string, browser: string, method: string, path: string, status: number | null, location?: string][]) {
  const timeline = createTimeline();
  for (const [id, browser, method, path, status, location] of requests) {
    timeline.event('main', ev({ type: 'request', requestId: id, browser, method, path, cookie: null }), { checking: id.startsWith('check') });
    if (status !== null) timeline.event('main', ev({ type: 'response', requestId: id, browser, status, setCookie: [], sessionId: null, ...(location ? { location } : {}) }));
  }
  return timeline;
}
const keysOf = (chain: readonly RequestEntry[] | null) => chain?.map((entry) => entry.requestId) ?? null;

describe('which requests one diagram shows', () => {
  it('a redirect followed by the same browser joins the diagram; another browser in between does not break it', () => {
    const timeline = timelineOf(
      ['p1', 'preview', 'GET', '/profile', 302, '/login'],
      ['a1', 'A', 'GET', '/viewcount', 200],
      ['p2', 'preview', 'GET', '/login', 200],
      ['a2', 'A', 'POST', '/login', 303, 'http://localhost:3000/profile?x=1'],
      ['a3', 'A', 'GET', '/profile?x=1', 200],
      ['a4', 'A', 'GET', '/profile', 200],
    );
    expect(requestChains(timeline.entries()).map(keysOf)).toEqual([['p1', 'p2'], ['a1'], ['a2', 'a3'], ['a4']]);
    const entries = timeline.entries();
    expect(keysOf(chainOf(entries, entries.find((e) => e.kind === 'request' && e.requestId === 'a3')!.key))).toEqual(['a2', 'a3']);
    expect(keysOf(latestChain(entries))).toEqual(['a4']);
  });

  it('a 3xx to another path, or the same path from another server, is not a redirect followed', () => {
    const timeline = timelineOf(['a1', 'A', 'GET', '/a', 302, '/b'], ['a2', 'A', 'GET', '/c', 200]);
    const [a1, a2] = timeline.entries() as RequestEntry[];
    expect(followsRedirect(a1!, a2!)).toBe(false);
    expect(followsRedirect(a1!, { ...a2!, path: '/b', instance: 'second' })).toBe(false);
    expect(followsRedirect(a1!, { ...a2!, path: '/b' })).toBe(true);
    expect(locationPath('../up?q=1', '/a/b/c')).toBe('/a/up?q=1');
    expect(locationPath('https://elsewhere.example/x', '/')).toBe('/x');
  });

  it('"the latest" passes over the checks\' bursts unless asked for them', () => {
    const timeline = timelineOf(['a1', 'A', 'GET', '/a', 200], ['check-1', 'A', 'GET', '/b', 200]);
    expect(keysOf(latestChain(timeline.entries()))).toEqual(['a1']);
    expect(keysOf(latestChain(timeline.entries(), { includeChecks: true }))).toEqual(['check-1']);
    expect(latestChain([])).toBeNull();
  });
});

describe('an exchange', () => {
  it('waiting for its answer, or failed: the arrow back says so; no session verdict is guessed', () => {
    const timeline = timelineOf(['a1', 'A', 'GET', '/slow', null]);
    const [pending] = timeline.entries() as RequestEntry[];
    const waiting = exchangeOf({ ...pending!, cookie: 'connect.sid=s%3Aabc.sig' }, 'connect.sid');
    expect(waiting.steps.map((s) => s.kind)).toEqual(['request', 'noAnswer']);
    expect(waiting.steps[1]).toMatchObject({ tone: 'pending' });
    expect(waiting.verdicts).toEqual([]);
    const failed = exchangeOf({ ...pending!, error: { key: 'timeout', message: 'no answer' } }, 'connect.sid');
    expect(failed.steps[1]).toMatchObject({ kind: 'noAnswer', tone: 'error', failure: 'timeout' });
  });

  it('places each step between its lanes', () => {
    expect(stepLanes({ kind: 'request', tone: 'plain', method: 'GET', path: '/', cookie: null })).toEqual({ from: 'browser', to: 'server' });
    expect(stepLanes({ kind: 'storeReply', tone: 'found', op: 'get', result: 'found', sessionId: 'x' })).toEqual({ from: 'store', to: 'server' });
    expect(stepLanes({ kind: 'refused', tone: 'refused', cookie: { name: 'connect.sid', sessionId: 'x' } })).toEqual({ from: 'server', to: 'server' });
  });
});
