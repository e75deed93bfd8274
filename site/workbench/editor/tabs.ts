// The tab strip's keyboard model (WAI-ARIA tabs, automatic activation): pure, so it is tested
// without a DOM.

/** The tab to move to for `key`, or null when the key is not a tab-navigation key. */
export function tabKeyTarget(key: string, index: number, count: number): number | null {
  if (count <= 0) return null;
  switch (key) {
    case 'ArrowRight':
      return (index + 1) % count;
    case 'ArrowLeft':
      return (index - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

/** The open tabs after opening `path`: appended when new, never duplicated. */
export function withOpened(open: readonly string[], path: string): string[] {
  return open.includes(path) ? [...open] : [...open, path];
}

/**
 * The tabs to show for a set of files: the requested ones that exist, in order, without
 * duplicates; the first file (sorted) when none of them exists.
 */
export function initialTabs(paths: readonly string[], open: readonly string[]): string[] {
  const existing = new Set(paths);
  const tabs = [...new Set(open)].filter((path) => existing.has(path));
  if (tabs.length > 0) return tabs;
  const first = [...paths].sort()[0];
  return first === undefined ? [] : [first];
}

export type Shortcut = 'save' | 'run';

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey?: boolean;
  isComposing?: boolean;
}

/** Ctrl+S / Cmd+S saves, Ctrl+Enter / Cmd+Enter runs (either modifier on every platform). */
export function shortcutOf(event: KeyLike): Shortcut | null {
  if (event.isComposing || event.altKey) return null;
  if (!(event.ctrlKey || event.metaKey)) return null;
  if (event.key === 'Enter') return 'run';
  if (event.key.toLowerCase() === 's' && !event.shiftKey) return 'save';
  return null;
}
