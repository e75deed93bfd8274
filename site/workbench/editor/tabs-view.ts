// The tab strip (WAI-ARIA tabs, automatic activation): one button per open file, the selected one
// labelling the code area; arrows, Home and End move between them (the keyboard model is ./tabs.ts,
// pure). Which tabs are open and which is active is the panel's state, read at each render.
import { el } from '../dom.ts';
import { tabKeyTarget } from './tabs.ts';

export interface TabsView {
  render(): void;
}

export interface TabsSource {
  readonly tabs: readonly string[];
  readonly active: string;
}

/** `open(path)` makes a file the active one (and re-renders the strip). */
export function mountTabsView(tablist: HTMLElement, code: HTMLElement, id: string, state: TabsSource, open: (path: string) => void): TabsView {
  const tabId = (index: number) => `${id}-tab-${index}`;

  tablist.addEventListener('keydown', (event) => {
    const target = tabKeyTarget(event.key, state.tabs.indexOf(state.active), state.tabs.length);
    if (target === null) return;
    event.preventDefault();
    const path = state.tabs[target];
    if (path === undefined) return;
    open(path);
    tablist.querySelector<HTMLElement>(`#${tabId(target)}`)?.focus();
  });

  const tab = (path: string, index: number) => {
    const name = path.slice(path.lastIndexOf('/') + 1);
    const selected = path === state.active;
    const button = el('button', { type: 'button', class: 'se-tab', id: tabId(index), role: 'tab', 'aria-controls': code.id, 'data-path': path, 'aria-selected': String(selected), tabindex: selected ? 0 : -1, title: path, 'aria-label': name !== path ? path : null }, name);
    button.addEventListener('click', () => open(path));
    return button;
  };

  return {
    render() {
      tablist.replaceChildren(...state.tabs.map(tab));
      const index = state.tabs.indexOf(state.active);
      if (index >= 0) code.setAttribute('aria-labelledby', tabId(index));
      else code.removeAttribute('aria-labelledby');
    },
  };
}
