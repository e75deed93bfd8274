// No keyboard trap (WCAG 2.1.2) in the code editor: there Tab indents, as a learner expects of a
// code editor; Esc, then Tab (or Shift+Tab), moves the focus on, as in CodeMirror. Any other key
// after Esc goes back to indenting. The hint under the tabs says so (editor.keysHint).
import type { CodeEditor, MonacoApi } from './types.ts';

export function leaveWithEscapeThenTab(api: MonacoApi, editor: CodeEditor): void {
  const { KeyCode } = api;
  editor.onKeyDown((event) => {
    if (event.keyCode === KeyCode.Escape) editor.updateOptions({ tabFocusMode: true });
    else if (event.keyCode !== KeyCode.Tab && event.keyCode !== KeyCode.Shift) editor.updateOptions({ tabFocusMode: false });
  });
  editor.onDidBlurEditorText(() => editor.updateOptions({ tabFocusMode: false }));
}
