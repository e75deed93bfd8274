// Ctrl/Cmd+S (save) and Ctrl/Cmd+Enter (run) anywhere in the panel, heard in the capture phase so
// neither Monaco's own key bindings nor the browser's (save the page) act on them. Which key is
// which is ./tabs.ts's `shortcutOf`, pure.
import { shortcutOf, type Shortcut } from './tabs.ts';

export function listenForShortcuts(root: HTMLElement, on: Record<Shortcut, () => void>): void {
  root.addEventListener(
    'keydown',
    (event) => {
      const shortcut = shortcutOf(event);
      if (!shortcut) return;
      event.preventDefault();
      event.stopPropagation();
      on[shortcut]();
    },
    { capture: true },
  );
}
