import { describe, expect, it, vi } from 'vitest';
import { createListeners } from '../../site/runtime/listeners.ts';

describe('listeners', () => {
  it('calls each subscriber in order with the arguments, until it unsubscribes', () => {
    const seen: string[] = [];
    const l = createListeners<[a: string, b: number]>();
    const off = l.add((a, b) => seen.push(`1${a}${b}`));
    l.add((a, b) => seen.push(`2${a}${b}`));
    l.emit('x', 1);
    off();
    l.emit('y', 2);
    expect(seen).toEqual(['1x1', '2x1', '2y2']);
  });

  it('a subscriber that throws is reported and the others still hear the news', () => {
    const onError = vi.fn();
    const l = createListeners<[n: number]>(onError);
    const after = vi.fn();
    const boom = new Error('bug in a panel');
    l.add(() => {
      throw boom;
    });
    l.add(after);
    expect(() => l.emit(3)).not.toThrow();
    expect(onError).toHaveBeenCalledWith(boom);
    expect(after).toHaveBeenCalledWith(3);
  });

  it('a subscriber that unsubscribes another during the call does not skip anyone of that call', () => {
    const l = createListeners<[]>();
    const second = vi.fn();
    let offSecond = () => {};
    l.add(() => offSecond());
    offSecond = l.add(second);
    l.emit();
    expect(second).toHaveBeenCalledTimes(1);
    l.emit();
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('clear drops every subscriber', () => {
    const l = createListeners<[]>();
    const a = vi.fn();
    l.add(a);
    l.clear();
    l.emit();
    expect(a).not.toHaveBeenCalled();
  });
});
