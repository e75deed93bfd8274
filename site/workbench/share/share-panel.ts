// The notice under the toolbar for links that carry code: an incoming link's offer ("Use this
// code" / "Keep mine"), a link that could not be read, a link too long to share (with the zip
// instead), or a link to copy by hand when the clipboard refuses. One notice at a time; its first
// button takes the focus only when the learner asked for it (a copy), never on page load.
import { el } from '../dom.ts';

type Translate = (key: string, options?: Record<string, unknown>) => string;

export interface SharePanel {
  /** Shared code is shown beside the learner's (its files listed; `added`: the reader has none
   * such): use it or keep one's own. */
  offer(files: readonly { path: string; added: boolean }[], actions: { use(): void; keep(): void }): void;
  /** A message with a Close button (a damaged or foreign link). */
  notice(text: string, onClose: () => void): void;
  /** The link would be too long: say so, and offer the zip. */
  tooLong(length: number, max: number, download: () => void): void;
  /** The clipboard refused: the link in a field to copy by hand. */
  copyByHand(url: string): void;
  hide(): void;
  readonly shown: boolean;
}

export function mountSharePanel(container: HTMLElement, t: Translate): SharePanel {
  const show = (focus: boolean, ...children: Node[]) => {
    container.replaceChildren(...children);
    container.hidden = false;
    if (focus) container.querySelector<HTMLElement>('button, input')?.focus();
  };
  const button = (label: string, onClick: () => void, primary = false) => {
    const node = el('button', { type: 'button', class: primary ? 'run-primary' : null }, label);
    node.addEventListener('click', onClick);
    return node;
  };
  const panel: SharePanel = {
    offer(files, { use, keep }) {
      show(
        false,
        el('p', {}, t('share.incoming', { count: files.length })),
        el('ul', { class: 'wb-share-files' }, ...files.map(({ path, added }) => el('li', {}, el('code', {}, added ? t('share.newFile', { file: path }) : path)))),
        el('div', { class: 'wb-share-actions' }, button(t('share.use'), use, true), button(t('share.keep'), keep)),
      );
    },
    notice(text, onClose) {
      show(false, el('p', {}, text), el('div', { class: 'wb-share-actions' }, button(t('share.dismiss'), onClose)));
    },
    tooLong(length, max, download) {
      show(
        true,
        el('p', {}, t('share.tooLong', { length, max })),
        el('div', { class: 'wb-share-actions' }, button(t('workbench.download'), download, true), button(t('share.dismiss'), () => panel.hide())),
      );
    },
    copyByHand(url) {
      const field = el('input', { type: 'text', readonly: true, value: url, 'aria-label': t('share.linkLabel') });
      show(true, el('p', {}, t('share.copyFailed')), field, el('div', { class: 'wb-share-actions' }, button(t('share.dismiss'), () => panel.hide())));
      field.select();
    },
    hide() {
      container.hidden = true;
      container.replaceChildren();
    },
    get shown() {
      return !container.hidden;
    },
  };
  return panel;
}
