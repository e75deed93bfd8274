// The editor panel's skeleton, built once: the bar (Files toggle, tabs, hint, Edit), the body (file
// tree, then the code area holding the plain view, Monaco's host and the diff's host), the status
// line and the problems list, with the ARIA wiring between them. The parts that fill it are their
// own modules; this one only gives them their elements, so none builds another's DOM.
import { el } from '../dom.ts';
import type { Translate } from './types.ts';

export interface PanelDom {
  root: HTMLDivElement;
  tablist: HTMLDivElement;
  hint: HTMLParagraphElement;
  editButton: HTMLButtonElement;
  treeList: HTMLUListElement;
  /** The tab panel: the plain view, Monaco's host and the diff's host, one shown at a time. */
  code: HTMLDivElement;
  plain: HTMLDivElement;
  monacoHost: HTMLDivElement;
  diffHost: HTMLDivElement;
  status: HTMLParagraphElement;
  problems: HTMLUListElement;
}

/** Builds the panel under `id` (the prefix of its element ids); the caller appends `root`. */
export function buildPanelDom(id: string, t: Translate): PanelDom {
  // On a narrow screen the code needs the width: the file list starts folded (Files opens it).
  const treeOpen = !(document.defaultView?.matchMedia?.('(max-width: 600px)').matches ?? false);
  const treeToggle = el('button', { type: 'button', class: 'se-tree-toggle', 'aria-expanded': String(treeOpen), 'aria-controls': `${id}-tree` }, t('editor.files'));
  const tablist = el('div', { class: 'se-tabs', role: 'tablist', 'aria-label': t('editor.tabs') });
  const editButton = el('button', { type: 'button', class: 'se-edit' }, t('editor.edit'));
  const hint = el('p', { class: 'se-hint', id: `${id}-hint`, title: t('editor.editHint') }, t('editor.editHint'));
  // The hint shares the tabs' row (one line, the rest in a tooltip; read whole by screen readers
  // through aria-describedby): the code keeps the height.
  const bar = el('div', { class: 'se-bar' }, treeToggle, tablist, hint, editButton);

  const treeList = el('ul');
  const tree = el('nav', { class: 'se-tree', id: `${id}-tree`, 'aria-label': t('editor.fileTree'), hidden: !treeOpen }, treeList);
  const plain = el('div', { class: 'se-plain', tabindex: 0, role: 'region', 'aria-describedby': hint.id });
  const monacoHost = el('div', { class: 'se-monaco', hidden: true });
  const diffHost = el('div', { hidden: true });
  const code = el('div', { class: 'se-code', id: `${id}-code`, role: 'tabpanel' }, plain, monacoHost, diffHost);
  const body = el('div', { class: 'se-body' }, tree, code);

  const status = el('p', { class: 'se-status', role: 'status' });
  const problems = el('ul', { class: 'se-problems', 'aria-label': t('editor.problems'), hidden: true });
  const root = el('div', { class: 'se-panel', 'data-editor': 'plain' }, bar, body, status, problems);

  treeToggle.addEventListener('click', () => {
    const open = treeToggle.getAttribute('aria-expanded') !== 'true';
    treeToggle.setAttribute('aria-expanded', String(open));
    tree.hidden = !open;
  });
  return { root, tablist, hint, editButton, treeList, code, plain, monacoHost, diffHost, status, problems };
}
