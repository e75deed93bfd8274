// "Show solution" (and code shared by a link): a Monaco diff editor with the learner's file (left,
// the learner's own model, still editable) beside the other code's (right, read-only). Nothing here
// writes to the learner's model: the diff only displays it.
import { languageOf } from './language.ts';
import type { CompareKind, MonacoApi, TextModel, Translate } from './types.ts';

type DiffEditor = ReturnType<MonacoApi['editor']['createDiffEditor']>;

export const SOLUTION_ROOT = '/solution/';

const LABELS: Record<CompareKind, { side: string; aria: string; missing: string }> = {
  solution: { side: 'editor.solution', aria: 'editor.solutionLabel', missing: 'editor.noSolutionFile' },
  shared: { side: 'editor.sharedCode', aria: 'editor.sharedCodeLabel', missing: 'editor.noSharedFile' },
};

export interface SolutionView {
  /** Shows `learner` (the learner's model of `path`) against the other code's text of `path`. */
  show(path: string, learner: TextModel, otherText: string | undefined, kind?: CompareKind): void;
  hide(): void;
  focus(): void;
  dispose(): void;
}

const DIFF_OPTIONS = {
  automaticLayout: true,
  renderSideBySide: true,
  useInlineViewWhenSpaceIsLimited: false,
  originalEditable: true,
  readOnly: true,
  minimap: { enabled: false },
  scrollBeyondLastLine: false,
  fontSize: 14,
  renderOverviewRuler: false,
} as const;

/** The view's DOM inside `host`: two labels over the two sides, a note, then the diff editor's surface. */
function buildDiffDom(host: HTMLElement, t: Translate) {
  const doc = host.ownerDocument;
  host.classList.add('se-diff');
  const header = doc.createElement('div');
  header.className = 'se-diff-header';
  const yours = doc.createElement('span');
  yours.textContent = t('editor.yourCode');
  const theirs = doc.createElement('span');
  theirs.textContent = t('editor.solution');
  header.append(yours, theirs);
  const note = doc.createElement('p');
  note.className = 'se-diff-note';
  note.hidden = true;
  const surface = doc.createElement('div');
  surface.className = 'se-diff-surface';
  host.replaceChildren(header, note, surface);
  return { theirs, note, surface };
}

export function createSolutionView(monaco: MonacoApi, host: HTMLElement, t: Translate): SolutionView {
  const { theirs, note, surface } = buildDiffDom(host, t);
  let editor: DiffEditor | null = null;
  const solutionModels = new Map<string, TextModel>();

  const solutionModel = (path: string, text: string): TextModel => {
    const uri = monaco.Uri.from({ scheme: 'file', path: SOLUTION_ROOT + path });
    let model = solutionModels.get(path) ?? monaco.editor.getModel(uri);
    if (model && model.isDisposed()) model = null;
    if (!model) model = monaco.editor.createModel(text, languageOf(path), uri);
    else if (model.getValue() !== text) model.setValue(text);
    solutionModels.set(path, model);
    return model;
  };

  const disposeModels = () => {
    for (const model of solutionModels.values()) model.dispose();
    solutionModels.clear();
  };

  return {
    show(path, learner, solutionText, kind = 'solution') {
      const labels = LABELS[kind];
      theirs.textContent = t(labels.side);
      editor ??= monaco.editor.createDiffEditor(surface, DIFF_OPTIONS);
      editor.getOriginalEditor().updateOptions({ ariaLabel: t('editor.yourCodeLabel', { file: path }) });
      editor.getModifiedEditor().updateOptions({ ariaLabel: t(labels.aria, { file: path }) });
      note.hidden = solutionText !== undefined;
      note.textContent = solutionText === undefined ? t(labels.missing, { file: path }) : '';
      const model = solutionModel(path, solutionText ?? '');
      editor.setModel({ original: learner, modified: model });
    },
    hide() {
      editor?.setModel(null);
      disposeModels();
    },
    focus() {
      editor?.getOriginalEditor().focus();
    },
    dispose() {
      editor?.setModel(null);
      editor?.dispose();
      editor = null;
      disposeModels();
      host.replaceChildren();
    },
  };
}
