// Where a split sits: kept in bounds, moved by the window splitter's keys, and remembered in
// localStorage — with storage that throws (private modes, blocked storage) it still works.
import { describe, expect, it } from 'vitest';
import { EDITOR_SPLIT, TEXT_SPLIT, clampSplit, readSplit, splitAfterKey, splitAt, writeSplit, type StorageLike } from '../../site/workbench/layout/split.ts';

const memory = (): StorageLike & { data: Map<string, string> } => {
  const data = new Map<string, string>();
  return { data, getItem: (key) => data.get(key) ?? null, setItem: (key, value) => void data.set(key, value) };
};
const throwing: StorageLike = {
  getItem: () => {
    throw new DOMException('blocked', 'SecurityError');
  },
  setItem: () => {
    throw new DOMException('full', 'QuotaExceededError');
  },
};

describe('split', () => {
  it('moves with the keys of its orientation, inside its bounds', () => {
    expect(splitAfterKey('ArrowUp', 66, EDITOR_SPLIT, 'horizontal')).toBe(61);
    expect(splitAfterKey('ArrowDown', 66, EDITOR_SPLIT, 'horizontal')).toBe(71);
    expect(splitAfterKey('ArrowLeft', 66, EDITOR_SPLIT, 'horizontal')).toBeNull();
    expect(splitAfterKey('ArrowLeft', 40, TEXT_SPLIT, 'vertical')).toBe(35);
    expect(splitAfterKey('ArrowRight', 68, TEXT_SPLIT, 'vertical')).toBe(TEXT_SPLIT.max);
    expect(splitAfterKey('Home', 50, EDITOR_SPLIT, 'horizontal')).toBe(EDITOR_SPLIT.min);
    expect(splitAfterKey('End', 50, EDITOR_SPLIT, 'horizontal')).toBe(EDITOR_SPLIT.max);
    expect(splitAfterKey('Enter', 50, EDITOR_SPLIT, 'horizontal')).toBeNull();
    expect(clampSplit(3, EDITOR_SPLIT)).toBe(EDITOR_SPLIT.min);
    expect(splitAt(150, 100, 200, EDITOR_SPLIT)).toBe(25);
    expect(splitAt(150, 100, 0, EDITOR_SPLIT)).toBe(EDITOR_SPLIT.initial);
  });

  it('remembers a value and reads it back; anything else reads as the initial split', () => {
    const storage = memory();
    expect(readSplit('k', EDITOR_SPLIT, storage)).toBe(EDITOR_SPLIT.initial);
    writeSplit('k', 40, storage);
    expect(storage.data.get('k')).toBe('40');
    expect(readSplit('k', EDITOR_SPLIT, storage)).toBe(40);
    for (const bad of ['', 'wide', 'NaN']) {
      storage.setItem('k', bad);
      expect(readSplit('k', EDITOR_SPLIT, storage)).toBe(EDITOR_SPLIT.initial);
    }
    storage.setItem('k', '500');
    expect(readSplit('k', EDITOR_SPLIT, storage)).toBe(EDITOR_SPLIT.max);
  });

  it('works with storage that throws, and with none', () => {
    expect(readSplit('k', EDITOR_SPLIT, throwing)).toBe(EDITOR_SPLIT.initial);
    expect(() => writeSplit('k', 40, throwing)).not.toThrow();
    expect(readSplit('k', EDITOR_SPLIT, null)).toBe(EDITOR_SPLIT.initial);
    expect(() => writeSplit('k', 40, null)).not.toThrow();
  });
});
