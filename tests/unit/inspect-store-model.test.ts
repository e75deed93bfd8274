// The store view's model: contents per instance from `store` events, what each one changed.
import { describe, expect, it } from 'vitest';
import type { StoreEvent } from '../../lab/protocol/probe.ts';
import { createStoreModel, diffSessions, sortInstances, stableJson } from '../../site/workbench/inspect/store-model.ts';

const cookie = { originalMaxAge: null, httpOnly: true, path: '/' };
const ev = (op: string, sessions: Record<string, unknown>, extra: Partial<StoreEvent> = {}) =>
  ({ type: 'store', op, sessionId: null, sessions, ...extra }) as StoreEvent;

describe('diffSessions', () => {
  it('says added, changed and destroyed; equal JSON in another key order is unchanged', () => {
    const before = { a: { cookie, views: 1 }, b: { cookie }, c: { x: 1, y: 2 } };
    const after = { a: { cookie, views: 2 }, c: { y: 2, x: 1 }, d: { cookie } };
    expect(Object.fromEntries(diffSessions(before, after))).toEqual({ a: 'changed', d: 'added', b: 'destroyed' });
  });
  it('stableJson sorts keys, keeps arrays, survives cycles', () => {
    expect(stableJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(stableJson(cyclic)).toBe('{"a":1,"self":"[Circular]"}');
  });
});

describe('store model', () => {
  it('follows a session from set to destroy', () => {
    const model = createStoreModel();
    const set = model.apply('main', ev('set', { s1: { cookie, views: 1 } }, { sessionId: 's1', requestId: 'c-1' }), 10);
    expect(set.state).toMatchObject({ known: true, last: { op: 'set', sessionId: 's1', requestId: 'c-1', time: 10 } });
    // The first operation seen: a session it sets is new.
    expect(Object.fromEntries(set.changes)).toEqual({ s1: 'added' });
    const again = model.apply('main', ev('set', { s1: { cookie, views: 2 } }, { sessionId: 's1' }));
    expect(Object.fromEntries(again.changes)).toEqual({ s1: 'changed' });
    const touch = model.apply('main', ev('touch', { s1: { cookie, views: 2 } }, { sessionId: 's1' }));
    expect(touch.changes.size).toBe(0);
    const destroy = model.apply('main', ev('destroy', {}, { sessionId: 's1' }));
    expect(Object.fromEntries(destroy.changes)).toEqual({ s1: 'destroyed' });
    expect(model.get('main')?.sessions).toEqual({});
  });

  it('after a restart the contents are unknown; the first operation reveals them without flashing them all', () => {
    const model = createStoreModel();
    model.apply('main', ev('set', { s1: {} }, { sessionId: 's1' }));
    const started = model.started('main', 50);
    expect(started.state).toMatchObject({ known: false, sessions: {}, startedAt: 50 });
    // A file store still holds s1 and s2 after the restart: the first `get` shows them.
    const get = model.apply('main', ev('get', { s1: {}, s2: {} }, { sessionId: 's2' }));
    expect(get.changes.size).toBe(0);
    expect(get.state).toMatchObject({ known: true, startedAt: 50 });
    expect(Object.keys(get.state.sessions)).toEqual(['s1', 's2']);
  });

  it('keeps instances apart, main first, and knows every id held', () => {
    const model = createStoreModel();
    model.apply('worker', ev('set', { w1: {} }));
    model.apply('main', ev('set', { m1: {} }));
    expect(model.instances()).toEqual(['main', 'worker']);
    expect([...model.sessionIds()].sort()).toEqual(['m1', 'w1']);
    expect(sortInstances(['b', 'main', 'a', 'b'])).toEqual(['main', 'a', 'b']);
    model.clear();
    expect(model.instances()).toEqual([]);
  });

  it('keeps an operation\'s error', () => {
    const model = createStoreModel();
    const update = model.apply('main', { ...ev('set', {}), error: 'disk full' } as unknown as StoreEvent);
    expect(update.state.last?.error).toBe('disk full');
  });
});
