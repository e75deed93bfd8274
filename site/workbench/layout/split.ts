// Where a split between two panes sits (pure): a share in percent of the room both panes have,
// kept inside its bounds, moved by the keys of the WAI-ARIA window splitter, and remembered per
// browser in localStorage — where storage throws (private modes, blocked storage) the split
// still works for the page, it is only not remembered.

export interface SplitRange {
  readonly min: number;
  readonly max: number;
  /** Where it sits with nothing remembered (also what the page's CSS uses before any script). */
  readonly initial: number;
  /** One arrow key press. */
  readonly step: number;
}

/** The text column beside the workbench (its width in percent of the page). */
export const TEXT_SPLIT: SplitRange = { min: 20, max: 70, initial: 40, step: 5 };
export const TEXT_SPLIT_KEY = 'session-lab:v1:split';
/** The editor above the output panel (its share of the height both have). */
export const EDITOR_SPLIT: SplitRange = { min: 20, max: 85, initial: 68, step: 5 };
export const EDITOR_SPLIT_KEY = 'session-lab:v1:editor-split';

export type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

export const clampSplit = (value: number, range: SplitRange): number => Math.min(range.max, Math.max(range.min, Math.round(value)));

/**
 * The share after a key press on the separator, or null for a key that is not the splitter's.
 * `vertical`: the separator stands between side-by-side panes (Left/Right move it); otherwise it
 * lies between stacked panes (Up/Down). Home/End go to the bounds.
 */
export function splitAfterKey(key: string, value: number, range: SplitRange, orientation: 'vertical' | 'horizontal'): number | null {
  const [less, more] = orientation === 'vertical' ? ['ArrowLeft', 'ArrowRight'] : ['ArrowUp', 'ArrowDown'];
  if (key === less) return clampSplit(value - range.step, range);
  if (key === more) return clampSplit(value + range.step, range);
  if (key === 'Home') return range.min;
  if (key === 'End') return range.max;
  return null;
}

/** The share a pointer at `position` gives, in a box that starts at `start` and is `size` long. */
export const splitAt = (position: number, start: number, size: number, range: SplitRange): number =>
  size > 0 ? clampSplit(((position - start) / size) * 100, range) : range.initial;

const defaultStorage = (): StorageLike | null => {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
};

/** The remembered share, or the initial one (nothing kept, a value out of bounds, storage that throws). */
export function readSplit(key: string, range: SplitRange, storage: StorageLike | null = defaultStorage()): number {
  try {
    const saved = storage?.getItem(key);
    const value = saved === null || saved === undefined || saved.trim() === '' ? NaN : Number(saved);
    return Number.isFinite(value) ? clampSplit(value, range) : range.initial;
  } catch {
    return range.initial;
  }
}

export function writeSplit(key: string, value: number, storage: StorageLike | null = defaultStorage()): void {
  try {
    storage?.setItem(key, String(value));
  } catch {
    // not remembered: the split still applies to this page
  }
}
