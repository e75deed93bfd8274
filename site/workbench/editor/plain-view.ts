// The code before Monaco (which is never loaded with the page, see monaco-on-demand.ts): the
// page's highlighted figure for the active file while it matches the learner's text, else a plain
// <pre>. Focusing, clicking or typing in it, or the Edit button, is the learner's intent to edit;
// once Monaco is ready the plain view steps aside for good.
import { el } from '../dom.ts';
import type { PanelDom } from './panel-dom.ts';
import type { ServerCode } from './server-code.ts';
import type { Translate } from './types.ts';

export interface PlainView {
  render(path: string, text: string | undefined): void;
  /** Monaco took over: the plain view hides, the hint turns to the editor's keys. */
  retire(): void;
}

export function createPlainView(dom: PanelDom, serverCode: ServerCode, t: Translate, intent: () => void): PlainView {
  const { plain } = dom;
  dom.editButton.addEventListener('click', intent);
  plain.addEventListener('focus', intent);
  plain.addEventListener('pointerdown', intent);
  plain.addEventListener('keydown', intent);

  return {
    render(path, text) {
      plain.setAttribute('aria-label', t('editor.previewLabel', { file: path }));
      const figure = serverCode.figureFor(path, text);
      if (figure) plain.replaceChildren(figure);
      else {
        const code = el('code');
        code.textContent = text ?? '';
        plain.replaceChildren(el('pre', { class: 'se-plain-code', 'data-file': path }, code));
      }
    },
    retire() {
      plain.hidden = true;
      // The hint now says how to use the editor from the keyboard, and how to leave it.
      dom.hint.textContent = t('editor.keysHint');
      dom.hint.title = dom.hint.textContent;
      dom.editButton.hidden = true;
      dom.root.dataset.editor = 'monaco';
    },
  };
}
