// A menu button as the WAI-ARIA Authoring Practices describe it (Menu Button pattern, with an
// actions menu): on the button, Enter, Space and ArrowDown open the menu on its first item,
// ArrowUp on its last; in the menu, the arrows move (wrapping), Home and End jump, a letter moves
// to the next item that starts with it, Enter or Space (or a click) activates the item and
// closes the menu, Escape closes it and gives the focus back to the button, Tab closes it and
// lets the focus move on. A click outside closes it. The markup (ids, roles, labels, items) is the
// page's: items are any [role^=menuitem] inside the menu; hidden or disabled ones are skipped.

export interface MenuButton {
  open(focus?: 'first' | 'last'): void;
  close(returnFocus?: boolean): void;
  isOpen(): boolean;
  dispose(): void;
}

export function bindMenuButton(button: HTMLElement, menu: HTMLElement): MenuButton {
  const doc = button.ownerDocument;
  const items = () =>
    [...menu.querySelectorAll<HTMLElement>('[role^="menuitem"]')].filter(
      (item) => !item.hidden && !item.closest('[hidden]:not([role="menu"])') && !(item as HTMLButtonElement).disabled && item.getAttribute('aria-disabled') !== 'true',
    );
  const isOpen = () => !menu.hidden;

  const focusItem = (item: HTMLElement | undefined) => item?.focus();
  /** Kept inside the window: a menu that would run off its right edge moves left. */
  const fit = () => {
    menu.style.left = '';
    const box = menu.getBoundingClientRect();
    const room = doc.documentElement.clientWidth - 8;
    if (box.right > room) menu.style.left = `${Math.max(room - box.right, 8 - box.left)}px`;
  };
  const open = (focus: 'first' | 'last' = 'first') => {
    menu.hidden = false;
    fit();
    button.setAttribute('aria-expanded', 'true');
    const list = items();
    focusItem(focus === 'first' ? list[0] : list[list.length - 1]);
    doc.addEventListener('pointerdown', onOutside, true);
  };
  const close = (returnFocus = true) => {
    if (!isOpen()) return;
    menu.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    doc.removeEventListener('pointerdown', onOutside, true);
    if (returnFocus) button.focus();
  };
  const onOutside = (event: Event) => {
    const target = event.target as Node | null;
    if (target && (menu.contains(target) || button.contains(target))) return;
    close(false);
  };

  const onButtonKey = (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ' || event.key === 'ArrowDown') open('first');
    else if (event.key === 'ArrowUp') open('last');
    else return;
    event.preventDefault();
  };
  const onButtonClick = (event: MouseEvent) => {
    // A keyboard "click" (Enter/Space) was handled on keydown; this is the pointer's.
    if (event.detail === 0) return;
    if (isOpen()) close();
    else open('first');
  };

  const onMenuKey = (event: KeyboardEvent) => {
    const list = items();
    const at = list.indexOf(doc.activeElement as HTMLElement);
    const move = (index: number) => focusItem(list[(index + list.length) % list.length]);
    switch (event.key) {
      case 'ArrowDown':
        move(at + 1);
        break;
      case 'ArrowUp':
        move(at < 0 ? list.length - 1 : at - 1);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(list.length - 1);
        break;
      case 'Escape':
        close();
        break;
      case 'Tab':
        close(false);
        return; // the focus moves on by itself
      case 'Enter':
      case ' ':
        if (at < 0) return;
        // The item acts (its click handler), then the menu closes.
        list[at]!.click();
        break;
      default: {
        if (event.key.length !== 1 || event.ctrlKey || event.metaKey || event.altKey) return;
        const letter = event.key.toLocaleLowerCase();
        const order = [...list.slice(at + 1), ...list.slice(0, at + 1)];
        const next = order.find((item) => (item.textContent ?? '').trim().toLocaleLowerCase().startsWith(letter));
        if (!next) return;
        next.focus();
      }
    }
    event.preventDefault();
  };
  const onMenuClick = (event: MouseEvent) => {
    const item = (event.target as HTMLElement | null)?.closest<HTMLElement>('[role^="menuitem"]');
    if (!item || !menu.contains(item)) return;
    close();
  };

  button.addEventListener('keydown', onButtonKey);
  button.addEventListener('click', onButtonClick);
  menu.addEventListener('keydown', onMenuKey);
  // After the item's own handler (it is on the item, this one on the menu): close afterwards.
  menu.addEventListener('click', onMenuClick);
  return {
    open,
    close,
    isOpen,
    dispose() {
      close(false);
      button.removeEventListener('keydown', onButtonKey);
      button.removeEventListener('click', onButtonClick);
      menu.removeEventListener('keydown', onMenuKey);
      menu.removeEventListener('click', onMenuClick);
    },
  };
}
