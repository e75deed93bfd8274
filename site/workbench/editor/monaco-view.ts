// The code editor once Monaco has arrived: one editor over the learner's models (./monaco-models.ts),
// keeping each file's cursor and scroll when the learner switches tabs, with per-file options (its
// accessible name; no word-based guesses where the JS language service answers). A lazy chunk that
// arrives with Monaco (./monaco-on-demand.ts), with all it imports.
import { leaveWithEscapeThenTab } from './escape-then-tab.ts';
import { languageOf } from './language-id.ts';
import { createLearnerModels, type OnEdit } from './monaco-models.ts';
import { monacoThemeName } from './theme-name.ts';
import type { CodeEditor, EditorMarker, Files, MonacoApi, TextModel, Theme, Translate } from './types.ts';

type ViewState = ReturnType<CodeEditor['saveViewState']>;

export interface MonacoView {
  model(path: string): TextModel | undefined;
  /** Shows `path`'s model, with the cursor and scroll it had. */
  show(path: string): void;
  /** A lesson switch: new models (fresh undo history, forgotten view states), `active` shown. */
  replaceFiles(files: Files, active: string): void;
  setMarkers(markers: readonly EditorMarker[], files: Files): void;
  /** Puts the cursor at the marker's line and column, centred, and focuses the editor. */
  reveal(marker: EditorMarker): void;
  focus(): void;
  setTheme(theme: Theme): void;
  dispose(): void;
}

export interface MonacoViewOptions {
  files: Files;
  active: string;
  theme: Theme;
  t: Translate;
  onEdit: OnEdit;
  /** Called before the learner's models are disposed: whatever else shows them lets go first. */
  releaseModels: () => void;
}

const EDITOR_OPTIONS = {
  automaticLayout: true,
  minimap: { enabled: false },
  scrollBeyondLastLine: false,
  fontSize: 14,
  // The highlighted code shown before Monaco uses the same lines (editor.css): nothing moves.
  lineHeight: 19,
  tabSize: 2,
  insertSpaces: true,
  wordWrap: 'off',
  fixedOverflowWidgets: true,
  renderLineHighlight: 'line',
  'semanticHighlighting.enabled': false,
  // Its header lines are focusable: Esc then Tab would land on one, still inside the editor,
  // instead of leaving it as the hint says. Lesson files are short enough without it.
  stickyScroll: { enabled: false },
} as const;

export function createMonacoView(api: MonacoApi, host: HTMLElement, options: MonacoViewOptions): MonacoView {
  const { t } = options;
  api.editor.setTheme(monacoThemeName(options.theme));
  const models = createLearnerModels(api, options.onEdit);
  models.create(options.files);
  host.hidden = false;
  /** Per file: its label, and no word-based guesses where the JS language service answers. */
  const optionsFor = (path: string) => ({
    ariaLabel: t('editor.codeLabel', { file: path }),
    wordBasedSuggestions: languageOf(path) === 'javascript' ? ('off' as const) : ('currentDocument' as const),
  });
  const editor: CodeEditor = api.editor.create(host, { model: models.get(options.active) ?? null, ...optionsFor(options.active), ...EDITOR_OPTIONS });
  leaveWithEscapeThenTab(api, editor);
  const viewStates = new Map<string, ViewState>();

  const disposeModels = () => {
    editor.setModel(null);
    options.releaseModels();
    models.dispose();
    viewStates.clear();
  };

  return {
    model: (path) => models.get(path),
    show(path) {
      const model = models.get(path) ?? null;
      const previous = editor.getModel();
      if (previous === model) return;
      const previousPath = previous && models.pathOf(previous);
      if (previousPath) viewStates.set(previousPath, editor.saveViewState());
      editor.setModel(model);
      const state = viewStates.get(path);
      if (state) editor.restoreViewState(state);
      editor.updateOptions(optionsFor(path));
    },
    replaceFiles(files, active) {
      models.quietly(() => {
        disposeModels();
        models.create(files);
      });
      editor.setModel(models.get(active) ?? null);
      editor.updateOptions(optionsFor(active));
    },
    setMarkers: (markers, files) => models.setMarkers(markers, files),
    reveal(marker) {
      const position = { lineNumber: Math.max(1, marker.line), column: Math.max(1, marker.column ?? 1) };
      editor.setPosition(position);
      editor.revealPositionInCenter(position);
      editor.focus();
    },
    focus: () => editor.focus(),
    setTheme: (theme) => api.editor.setTheme(monacoThemeName(theme)),
    dispose() {
      disposeModels();
      editor.dispose();
    },
  };
}
