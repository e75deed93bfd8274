// The editor panel's contract (see ../README.md). Type-only: importing this module loads nothing.
import type * as Monaco from 'monaco-editor/editor/editor.api';
import type { Files } from '../session/files.ts';
import type { EditorMarker } from './markers.ts';

export type { Files, EditorMarker };

/** Monaco's API as ./monaco-loader.ts hands it over (languages, theme and types set up). */
export type MonacoApi = typeof Monaco;
/** A code editor, and a file's text model, as that API creates them. */
export type CodeEditor = ReturnType<MonacoApi['editor']['create']>;
export type TextModel = ReturnType<MonacoApi['editor']['createModel']>;

export type Theme = 'light' | 'dark';

/** What the diff view shows beside the learner's code: the step's solution, or code a link carried (share/). */
export type CompareKind = 'solution' | 'shared';

export type Translate = (key: string, vars?: Record<string, unknown>) => string;

export interface EditorDeps {
  t: Translate;
  /** The learner's files (starter overlaid with saved edits). */
  files: Files;
  /** Files to show as tabs; the first is active. */
  open: string[];
  theme: () => Theme;
  /** Defaults to the lazy ./monaco-loader.ts chunk; tests inject their own. */
  loadMonaco?: () => Promise<MonacoApi>;
}

export interface EditorPanel {
  /**
   * Replaces every file and model (a lesson switch): fresh undo history, markers cleared, solution
   * hidden. `highlighted`: the new page's server-rendered code (`[data-file]` figures), shown
   * until Monaco loads where it matches the learner's text.
   */
  setFiles(files: Files, open: string[], highlighted?: ParentNode | null): void;
  /** The current text of every file (a copy). */
  files(): Files;
  /** Shows `path` (adds a tab if needed); unknown paths are ignored. */
  openFile(path: string): void;
  activeFile(): string;
  /**
   * The learner changed a file (not called for setFiles): its whole text, and the text this
   * change inserted ('' for a deletion). Returns an unsubscribe function.
   */
  onChange(cb: (path: string, text: string, inserted: string) => void): () => void;
  /** Ctrl/Cmd+S inside the panel. */
  onSave(cb: () => void): () => void;
  /** Ctrl/Cmd+Enter inside the panel. */
  onRun(cb: () => void): () => void;
  /** Error markers at the learner's lines; [] clears. Kept and applied when Monaco arrives. */
  setMarkers(markers: EditorMarker[]): void;
  /** Monaco diff: the learner's file beside the solution's. Never changes the learner's text. */
  /** The other code beside the learner's (read-only): the solution, or code a link carried. */
  showSolution(solution: Files, kind?: CompareKind): void;
  hideSolution(): void;
  solutionShown(): boolean;
  setTheme(theme: Theme): void;
  /** Starts loading Monaco (if not yet) and resolves once it is ready. Rejects if it fails to load. */
  whenReady(): Promise<void>;
  loaded(): boolean;
  dispose(): void;
}
