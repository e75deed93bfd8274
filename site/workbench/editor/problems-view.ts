// The problems list under the code: one button per error marker of a file the lesson has (a stack
// trace's line in the learner's code), which reveals that line. Markers of files the lesson does not
// have are kept (the panel's state) but not listed.
import { el } from '../dom.ts';
import type { EditorMarker, Files, Translate } from './types.ts';

export function renderProblems(list: HTMLElement, markers: readonly EditorMarker[], files: Files, t: Translate, reveal: (marker: EditorMarker) => void): void {
  const shown = markers.filter((marker) => files[marker.path] !== undefined);
  list.hidden = shown.length === 0;
  list.replaceChildren(
    ...shown.map((marker) => {
      const button = el('button', { type: 'button', class: 'se-problem' }, t('editor.problemAt', { file: marker.path, line: marker.line, message: marker.message }));
      button.addEventListener('click', () => reveal(marker));
      return el('li', {}, button);
    }),
  );
}
