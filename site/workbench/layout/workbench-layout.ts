// The workbench's own layout, brought to life: the "More actions" menu, the separator between the
// editor and the output (dragged, or moved with the arrow keys; remembered per browser), "Editor
// only" (the code takes the whole workbench for a moment, and gives it back), and the output tabs.
// The markup is Workbench.astro's; the page applies a remembered split before the first paint.
import { bindMenuButton, type MenuButton } from './menu-button.ts';
import { EDITOR_SPLIT, EDITOR_SPLIT_KEY } from './split.ts';
import { bindSplitter, type Splitter } from './splitter.ts';

export interface WorkbenchLayout {
  readonly menu: MenuButton;
  readonly split: Splitter;
  /** Shows an output tab (as a click on it would). */
  selectTab(tab: string): void;
  selectedTab(): string;
  editorOnly(): boolean;
  setEditorOnly(on: boolean): void;
  dispose(): void;
}

export interface LayoutDeps {
  /** An output tab was shown (its `data-tab`). */
  readonly onTab: (tab: string) => void;
}

export function mountWorkbenchLayout(root: HTMLElement, deps: LayoutDeps): WorkbenchLayout {
  const menu = bindMenuButton(root.querySelector<HTMLElement>('.wb-menu-button')!, root.querySelector<HTMLElement>('.wb-menu-list')!);

  const editorOnlyButton = root.querySelector<HTMLButtonElement>('[data-action="expand"]')!;
  const setEditorOnly = (on: boolean) => {
    root.toggleAttribute('data-editor-only', on);
    editorOnlyButton.setAttribute('aria-pressed', String(on));
  };
  editorOnlyButton.addEventListener('click', () => setEditorOnly(root.getAttribute('data-editor-only') === null));

  const separator = root.querySelector<HTMLElement>('[data-slot="split"]')!;
  const split = bindSplitter(separator, {
    range: EDITOR_SPLIT,
    storageKey: EDITOR_SPLIT_KEY,
    orientation: 'horizontal',
    // The editor and the output together: the share is of their height.
    box: () => {
      const editor = root.querySelector<HTMLElement>('[data-slot="editor"]')!.getBoundingClientRect();
      const output = root.querySelector<HTMLElement>('[data-slot="output"]')!.getBoundingClientRect();
      return { getBoundingClientRect: () => new DOMRect(editor.left, editor.top, editor.width, output.bottom - editor.top) } as HTMLElement;
    },
    apply: (share) => root.style.setProperty('--editor-share', String(share)),
  });

  const tabs = [...root.querySelectorAll<HTMLButtonElement>('.wb-output-tabs [role=tab]')];
  let selected = tabs.find((tab) => tab.getAttribute('aria-selected') === 'true')?.dataset.tab ?? 'session';
  const select = (tab: HTMLButtonElement) => {
    selected = tab.dataset.tab ?? '';
    for (const other of tabs) {
      const on = other === tab;
      other.setAttribute('aria-selected', String(on));
      other.tabIndex = on ? 0 : -1;
      root.querySelector<HTMLElement>(`#${other.getAttribute('aria-controls')}`)!.hidden = !on;
    }
    deps.onTab(selected);
  };
  for (const tab of tabs) {
    tab.addEventListener('click', () => select(tab));
    tab.addEventListener('keydown', (event) => {
      const shown = tabs.filter((t) => !t.hidden);
      const at = shown.indexOf(tab);
      const target =
        event.key === 'ArrowRight' ? shown[(at + 1) % shown.length] : event.key === 'ArrowLeft' ? shown[(at - 1 + shown.length) % shown.length] : event.key === 'Home' ? shown[0] : event.key === 'End' ? shown[shown.length - 1] : undefined;
      if (!target) return;
      event.preventDefault();
      select(target);
      target.focus();
    });
  }

  return {
    menu,
    split,
    selectTab(name) {
      const tab = tabs.find((t) => t.dataset.tab === name);
      if (tab && !tab.hidden) select(tab);
    },
    selectedTab: () => selected,
    editorOnly: () => root.getAttribute('data-editor-only') !== null,
    setEditorOnly,
    dispose() {
      menu.dispose();
      split.dispose();
    },
  };
}
