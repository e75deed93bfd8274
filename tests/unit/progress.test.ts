// Progress in localStorage: done steps, visited steps, the place to continue from; junk and
// failing storage never break a page.
import { describe, expect, it } from 'vitest';
import { PROGRESS_KEY, createProgress, parseProgress, type StorageLike } from '../../site/components/progress.ts';

function memoryStorage(): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

const clock = (start = 1000) => {
  let now = start;
  return () => now++;
};

describe('progress', () => {
  it('uses session-lab:v1:progress', () => {
    expect(PROGRESS_KEY).toBe('session-lab:v1:progress');
  });

  it('marks a step with checks done only when its checks pass; done stays done', () => {
    const storage = memoryStorage();
    const progress = createProgress({ storage: () => storage, now: clock(), events: null });
    progress.visit('en', 'configure', 'options', { hasChecks: true });
    expect(progress.isVisited('configure', 'options')).toBe(true);
    expect(progress.isDone('configure', 'options')).toBe(false);
    progress.markDone('configure', 'options');
    expect(progress.isDone('configure', 'options')).toBe(true);
    progress.visit('en', 'configure', 'options', { hasChecks: true });
    expect(progress.isDone('configure', 'options')).toBe(true);
    const stored = JSON.parse(storage.data.get(PROGRESS_KEY)!);
    expect(stored).toEqual({ v: 1, steps: { 'configure/options': { visited: 1000, done: 1001 } }, last: { lang: 'en', lesson: 'configure', step: 'options', at: 1002 } });
  });

  it('a step without checks is done once read', () => {
    const progress = createProgress({ storage: () => memoryStorage(), now: clock(), events: null });
    progress.visit('pt', 'install', 'npm', { hasChecks: false });
    expect(progress.isDone('install', 'npm')).toBe(true);
  });

  it('remembers the last place and counts a lesson\'s done steps', () => {
    const progress = createProgress({ storage: () => memoryStorage(), now: clock(), events: null });
    progress.visit('es', 'set-get', 'count-views', { hasChecks: true });
    progress.markDone('set-get', 'count-views');
    progress.visit('es', 'set-get', 'json-only', { hasChecks: false });
    progress.visit('es', 'set-get', 'log-in', { hasChecks: true });
    expect(progress.last()).toMatchObject({ lang: 'es', lesson: 'set-get', step: 'log-in' });
    expect(progress.count('set-get', ['count-views', 'set-and-get', 'json-only', 'log-in'])).toEqual({ done: 2, total: 4 });
    // markDone does not move the place to continue from
    progress.markDone('how-sessions-work', 'use-the-session');
    expect(progress.last()?.step).toBe('log-in');
  });

  it('every Progress of the page hears a write of another (the checks panel and the outline)', () => {
    const storage = memoryStorage();
    const target = new EventTarget();
    const checks = createProgress({ storage: () => storage, now: clock(), events: target });
    const outline = createProgress({ storage: () => storage, now: clock(), events: target });
    const seen: boolean[] = [];
    outline.onChange(() => seen.push(outline.isDone('a', 'one')));
    const own: number[] = [];
    checks.onChange(() => own.push(1));
    checks.markDone('a', 'one');
    expect(seen).toEqual([true]);
    expect(own).toEqual([1]);
  });

  it('tells listeners, here and from other tabs (storage events)', () => {
    const storage = memoryStorage();
    const target = new EventTarget();
    const progress = createProgress({ storage: () => storage, now: clock(), events: target });
    const seen: number[] = [];
    const off = progress.onChange((data) => seen.push(Object.keys(data.steps).length));
    progress.markDone('a', 'one');
    storage.setItem(PROGRESS_KEY, JSON.stringify({ v: 1, steps: { 'a/one': { done: 1 }, 'a/two': { done: 2 } } }));
    const other = Object.assign(new Event('storage'), { key: PROGRESS_KEY });
    target.dispatchEvent(other);
    target.dispatchEvent(Object.assign(new Event('storage'), { key: 'something-else' }));
    off();
    target.dispatchEvent(other);
    expect(seen).toEqual([1, 2]);
  });

  it('reads junk as empty and keeps only well-formed records', () => {
    expect(parseProgress(null)).toEqual({ v: 1, steps: {} });
    expect(parseProgress('{not json')).toEqual({ v: 1, steps: {} });
    expect(parseProgress('{"v":2,"steps":{}}')).toEqual({ v: 1, steps: {} });
    expect(
      parseProgress(JSON.stringify({ v: 1, steps: { 'a/b': { done: 5, junk: 1 }, bad: { done: 1 }, 'a/c': { done: 'yes' }, 'a/d': [] }, last: { lang: 'en', lesson: 'a', step: 'b', at: 'x' } })),
    ).toEqual({ v: 1, steps: { 'a/b': { done: 5 } }, last: { lang: 'en', lesson: 'a', step: 'b', at: 0 } });
  });

  it('keeps working in memory when storage throws or is missing', () => {
    const throwing: StorageLike = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const progress = createProgress({ storage: () => throwing, now: clock(), events: null });
    progress.markDone('a', 'b');
    expect(progress.isDone('a', 'b')).toBe(true);
    const none = createProgress({
      storage: () => {
        throw new Error('no localStorage');
      },
      events: null,
    });
    none.visit('en', 'a', 'b', { hasChecks: false });
    expect(none.isDone('a', 'b')).toBe(true);
    expect(none.reset()).toEqual({ v: 1, steps: {} });
  });
});

describe('templateTranslate', () => {
  it('fills {{values}} into ready strings and leaves unknown ones', async () => {
    const { templateTranslate } = await import('../../site/components/progress-view.ts');
    const t = templateTranslate({ 'inspect.progress.count': '{{done}} of {{total}} steps done' });
    expect(t('inspect.progress.count', { done: 2, total: 5 })).toBe('2 of 5 steps done');
    expect(t('inspect.progress.count', { done: 2 })).toBe('2 of {{total}} steps done');
    expect(t('missing.key')).toBe('missing.key');
  });
});
