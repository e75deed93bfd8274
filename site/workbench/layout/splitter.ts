// A separator the learner drags, or moves with the keyboard (WAI-ARIA window splitter: focusable,
// role="separator" with aria-valuenow/min/max; arrows, Home, End), that remembers where it was
// left. The markup (role, label, bounds) is the page's; this binds behaviour and applies values.
import { readSplit, splitAfterKey, splitAt, writeSplit, type SplitRange } from './split.ts';

export interface SplitterOptions {
  readonly range: SplitRange;
  readonly storageKey: string;
  /** The box whose length the share is measured against (the two panes together). */
  readonly box: () => HTMLElement;
  /** `vertical`: panes side by side (drag along x). */
  readonly orientation: 'vertical' | 'horizontal';
  /** Puts the share on the page (a CSS variable). */
  readonly apply: (share: number) => void;
}

export interface Splitter {
  value(): number;
  set(share: number, remember?: boolean): void;
  dispose(): void;
}

export function bindSplitter(separator: HTMLElement, options: SplitterOptions): Splitter {
  const { range, storageKey, orientation } = options;
  let value = readSplit(storageKey, range);
  const set = (share: number, remember = true) => {
    value = Math.min(range.max, Math.max(range.min, Math.round(share)));
    separator.setAttribute('aria-valuenow', String(value));
    options.apply(value);
    if (remember) writeSplit(storageKey, value);
  };
  set(value, false);

  const onKey = (event: KeyboardEvent) => {
    const next = splitAfterKey(event.key, value, range, orientation);
    if (next === null) return;
    event.preventDefault();
    set(next);
  };
  const onDown = (down: PointerEvent) => {
    if (down.button !== 0) return;
    down.preventDefault();
    separator.setPointerCapture(down.pointerId);
    const rect = options.box().getBoundingClientRect();
    const [start, size] = orientation === 'vertical' ? [rect.left, rect.width] : [rect.top, rect.height];
    const move = (event: PointerEvent) => set(splitAt(orientation === 'vertical' ? event.clientX : event.clientY, start, size, range), false);
    const up = () => {
      separator.removeEventListener('pointermove', move);
      separator.removeEventListener('pointerup', up);
      separator.removeEventListener('pointercancel', up);
      writeSplit(storageKey, value);
    };
    separator.addEventListener('pointermove', move);
    separator.addEventListener('pointerup', up);
    separator.addEventListener('pointercancel', up);
  };
  separator.addEventListener('keydown', onKey);
  separator.addEventListener('pointerdown', onDown);
  return {
    value: () => value,
    set,
    dispose() {
      separator.removeEventListener('keydown', onKey);
      separator.removeEventListener('pointerdown', onDown);
    },
  };
}
