// The sequence diagram's model (site/workbench/inspect/sequence.ts) on what a real express-session
// server tells the probe: the fixture app (tests/node/fixtures/inside/app) with the probe
// preloaded, driven by the real request client (lab/inside/client.mjs), its events and results
// folded by the timeline exactly as the workbench's state folds them. So a new session, a forged
// cookie, a regenerate, a destroy and a followed redirect read as the diagram says.
import { afterEach, describe, expect, it } from 'vitest';
import { startProbed, type Probed } from './fixtures/inside/harness.ts';
import { createBrowsers } from '../../lab/inside/client.mjs';
import { createTimeline, type RequestEntry } from '../../site/workbench/inspect/timeline.ts';
import { chainOf, diagramOf, exchangeOf, latestChain, type SequenceStep } from '../../site/workbench/inspect/sequence.ts';
import type { ProbeEvent } from '../../lab/protocol/probe.ts';
import type { RequestResult } from '../../lab/protocol/requests.ts';

let server: Probed | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** The fixture app, the learner's browsers, and the timeline the workbench would show. */
async function lab() {
  server = await startProbed('app.cjs');
  const s = server;
  const browsers = createBrowsers();
  const timeline = createTimeline();
  let folded = 0;
  const foldEvents = () => {
    for (; folded < s.events.length; folded++) timeline.event('main', s.events[folded] as ProbeEvent);
  };
  return {
    browsers,
    timeline,
    /** Sends as the request panel does and waits for the probe's response event of every hop. */
    async send(browser: 'A' | 'B' | 'none', method: 'GET' | 'POST', path: string, follow = false): Promise<RequestEntry[]> {
      const result = (await browsers.send({ browser, port: s.port, method, path, follow, ...(method === 'POST' ? { form: { user: 'ana' } } : {}) })) as RequestResult;
      for (const hop of result.hops) await s.waitFor((e) => e.type === 'response' && e.requestId === hop.requestId);
      foldEvents();
      return timeline.result('main', browser, result);
    },
  };
}

const kinds = (steps: readonly SequenceStep[]) =>
  steps.map((step) => (step.kind === 'storeCall' || step.kind === 'storeReply' ? `${step.kind}:${step.op}` : step.kind));
const sid = /^[\w-]{32}$/;

describe('the sequence diagram of real exchanges', () => {
  it('a first request: no cookie in, a new session stored, its cookie set; then the cookie comes back and the store finds it', async () => {
    const { send } = await lab();
    const [first] = await send('A', 'GET', '/set?name=Ana');
    const one = exchangeOf(first!, 'connect.sid');
    expect(kinds(one.steps)).toEqual(['request', 'newSession', 'storeCall:set', 'storeReply:set', 'response']);
    const [request, created, , saved, response] = one.steps as [SequenceStep & { kind: 'request' }, SequenceStep & { kind: 'newSession' }, SequenceStep, SequenceStep & { kind: 'storeReply' }, SequenceStep & { kind: 'response' }];
    expect(request.cookie).toBeNull();
    expect(created).toMatchObject({ tone: 'new', saved: true });
    expect(created.sessionId).toMatch(sid);
    expect(saved).toMatchObject({ result: 'saved', tone: 'new', sessionId: created.sessionId });
    expect(response).toMatchObject({ status: 200, tone: 'new', cookies: [{ name: 'connect.sid', sessionId: created.sessionId, fresh: true, cleared: false }] });
    expect(one.verdicts).toEqual([{ kind: 'new', sessionId: created.sessionId }]);

    const [second] = await send('A', 'GET', '/get');
    const two = exchangeOf(second!, 'connect.sid');
    // resave: false and an unchanged session: MemoryStore is touched, not saved again.
    expect(kinds(two.steps)).toEqual(['request', 'storeCall:get', 'storeReply:get', 'storeCall:touch', 'storeReply:touch', 'response']);
    expect(two.steps[0]).toMatchObject({ cookie: { name: 'connect.sid', sessionId: created.sessionId } });
    expect(two.steps[2]).toMatchObject({ result: 'found', tone: 'found' });
    expect(two.steps[5]).toMatchObject({ tone: 'plain', cookies: [] });
    expect(two.verdicts).toEqual([]);
  });

  it('regenerate: the old session destroyed as part of it, a new id, stored and set — one verdict, old → new', async () => {
    const { send } = await lab();
    const [first] = await send('A', 'GET', '/set?name=Ana');
    const old = first!.response!.sessionId!;
    const [entry] = await send('A', 'GET', '/regenerate');
    const exchange = exchangeOf(entry!, 'connect.sid');
    expect(kinds(exchange.steps)).toEqual(['request', 'storeCall:get', 'storeReply:get', 'storeCall:destroy', 'storeReply:destroy', 'storeCall:regenerate', 'storeReply:regenerate', 'storeCall:set', 'storeReply:set', 'response']);
    const fresh = entry!.response!.sessionId!;
    expect(fresh).toMatch(sid);
    expect(fresh).not.toBe(old);
    expect(exchange.steps[5]).toMatchObject({ op: 'regenerate', tone: 'regenerated', sessionId: fresh, previousSessionId: old });
    expect(exchange.steps[6]).toMatchObject({ result: 'regenerated', sessionId: fresh, previousSessionId: old });
    expect(exchange.steps[7]).toMatchObject({ op: 'set', tone: 'new', sessionId: fresh });
    expect(exchange.steps[9]).toMatchObject({ tone: 'new', cookies: [{ sessionId: fresh, fresh: true }] });
    expect(exchange.verdicts).toEqual([{ kind: 'regenerated', sessionId: fresh, previousSessionId: old }]);
  });

  it('a forged cookie: refused before the store is asked, and the request gets a new, empty session (not stored, no cookie)', async () => {
    const { send, browsers } = await lab();
    const [first] = await send('A', 'GET', '/set?name=Ana');
    const old = first!.response!.sessionId!;
    const [cookie] = await browsers.jar('A');
    const forged = cookie!.value.replace(/.$/, (c: string) => (c === 'A' ? 'B' : 'A'));
    await browsers.setCookie('A', 'connect.sid', forged, server!.port);
    const [entry] = await send('A', 'GET', '/get');
    const exchange = exchangeOf(entry!, 'connect.sid');
    expect(kinds(exchange.steps)).toEqual(['request', 'refused', 'newSession', 'response']);
    expect(exchange.steps[1]).toMatchObject({ tone: 'refused', cookie: { sessionId: old } });
    const created = exchange.steps[2] as SequenceStep & { kind: 'newSession' };
    expect(created).toMatchObject({ tone: 'new', saved: false });
    expect(created.sessionId).not.toBe(old);
    expect(exchange.steps[3]).toMatchObject({ tone: 'plain', cookies: [] });
    expect(exchange.verdicts).toEqual([{ kind: 'refused', sessionId: old }, { kind: 'new', sessionId: created.sessionId }]);
  });

  it('logout: the session destroyed, the cookie cleared, and the redirect followed drawn as the second exchange of one diagram', async () => {
    const { send, timeline } = await lab();
    const [first] = await send('A', 'GET', '/set?name=Ana');
    const old = first!.response!.sessionId!;
    const [logout, login] = await send('A', 'POST', '/logout', true);
    expect(login).toBeDefined();
    const chain = chainOf(timeline.entries(), logout!.key)!;
    expect(chain.map((entry) => entry.key)).toEqual([logout!.key, login!.key]);
    expect(latestChain(timeline.entries())).toEqual(chain);
    const diagram = diagramOf(chain, 'connect.sid')!;
    expect(diagram).toMatchObject({ browser: 'A', instance: 'main' });
    const [out, back] = diagram.exchanges;
    expect(kinds(out!.steps)).toEqual(['request', 'storeCall:get', 'storeReply:get', 'storeCall:destroy', 'storeReply:destroy', 'response']);
    expect(out!.steps[4]).toMatchObject({ result: 'destroyed', tone: 'destroyed', sessionId: old });
    expect(out!.steps[5]).toMatchObject({ status: 303, location: '/login', tone: 'destroyed', cookies: [{ name: 'connect.sid', cleared: true }] });
    expect(out!.verdicts).toEqual([{ kind: 'destroyed', sessionId: old }]);
    // The browser dropped the cookie: the login page comes with none, and a new session that is never stored.
    expect(back).toMatchObject({ method: 'GET', path: '/login', status: 200 });
    expect(kinds(back!.steps)).toEqual(['request', 'newSession', 'response']);
    expect(back!.steps[0]).toMatchObject({ cookie: null });
  });

  it('a cookie whose session the store no longer has: not found, then a new session', async () => {
    const { send } = await lab();
    const [first] = await send('A', 'GET', '/set?name=Ana');
    const old = first!.response!.sessionId!;
    await send('A', 'GET', '/destroy'); // destroyed, but the cookie stays in the browser
    const [entry] = await send('A', 'GET', '/get');
    const exchange = exchangeOf(entry!, 'connect.sid');
    expect(kinds(exchange.steps)).toEqual(['request', 'storeCall:get', 'storeReply:get', 'newSession', 'response']);
    expect(exchange.steps[2]).toMatchObject({ result: 'notFound', tone: 'missing', sessionId: old });
    expect(exchange.verdicts.map((v) => v.kind)).toEqual(['new']);
  });

  it('a route before the session middleware: the cookie goes in, nothing happens to any session', async () => {
    const { send } = await lab();
    await send('A', 'GET', '/set?name=Ana');
    const [entry] = await send('A', 'GET', '/headers');
    const exchange = exchangeOf(entry!, 'connect.sid');
    expect(kinds(exchange.steps)).toEqual(['request', 'response']);
    expect(exchange.verdicts).toEqual([]);
  });
});
