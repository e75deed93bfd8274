// The "More actions" menu's file actions: the solution beside the code (never over it) — while it
// shows, "Use the solution" (a separate, undoable action) and "Hide solution" sit in the toolbar —,
// reset, undo, download, copy the step's link; and the instructor links' ?file= and ?solution.
// Every change of the learner's files goes through the edit store, then the editor and the
// session are given the result.
import type { Translate } from '../../i18n/translate.ts';
import type { EditorPanel } from '../editor/types.ts';
import type { EditStore } from '../session/edit-store.ts';
import type { Files } from '../session/files.ts';
import type { Announcer, CurrentLesson } from './page.ts';
import { action } from './page.ts';

export interface FileActionsDeps {
  readonly t: Translate;
  readonly editor: EditorPanel;
  readonly store: EditStore;
  readonly lesson: CurrentLesson;
  readonly announcer: Announcer;
  /** Mounts the current lesson's files (from the store) and restarts its server. */
  readonly openLesson: () => Promise<void>;
  /** Drops a restart an edit scheduled: opening new files restarts the server anyway. */
  readonly cancelRestart: () => void;
}

export interface FileActions {
  setSolutionShown(shown: boolean): void;
  /** Whether the learner asked for the solution (the menu item is checked). */
  solutionChosen(): boolean;
  /** The store's new files (reset, apply, undo, shared code used) into the editor and the session. */
  replaceFiles(next: Files, message: string): Promise<void>;
  refreshUndo(): void;
  download(): Promise<void>;
  /** Instructor links: ?file=NAME opens a file, ?solution opens the solution view. */
  applyQuery(): void;
}

export function bindFileActions(root: HTMLElement, deps: FileActionsDeps): FileActions {
  const actions = fileActions(root, deps);
  bindMenu(root, deps, actions);
  actions.refreshUndo();
  return actions;
}

/** What the actions do (the toolbar's solution buttons shown or hidden with the solution). */
function fileActions(root: HTMLElement, deps: FileActionsDeps): FileActions {
  const { editor, store, lesson, announcer } = deps;
  const solutionItem = action(root, 'solution');
  const payload = () => lesson.payload();
  const setSolutionShown = (shown: boolean) => {
    if (shown) editor.showSolution(payload().solution);
    else editor.hideSolution();
    solutionItem.setAttribute('aria-checked', String(shown));
    action(root, 'apply').hidden = !shown;
    action(root, 'hide-solution').hidden = !shown;
  };
  const refreshUndo = () => void (action(root, 'undo').disabled = !store.canUndo(payload().lesson));
  return {
    setSolutionShown,
    solutionChosen: () => solutionItem.getAttribute('aria-checked') === 'true',
    refreshUndo,
    async replaceFiles(next, message) {
      // The restart an edit had scheduled is moot: opening the new files restarts the server (and
      // a late one would clear the message below).
      deps.cancelRestart();
      const wasShown = editor.solutionShown();
      editor.setFiles(next, payload().open);
      if (wasShown) editor.showSolution(payload().solution);
      await deps.openLesson();
      refreshUndo();
      announcer.say(message);
    },
    async download() {
      // The zip code is only needed when the learner asks for it.
      const { zipFiles, downloadZip } = await import('../zip.ts');
      downloadZip(zipFiles(store.files(payload().lesson), payload().lesson), `${payload().lesson}.zip`);
    },
    applyQuery() {
      const query = new URLSearchParams(location.search);
      const file = query.get('file');
      if (file && file in store.files(payload().lesson)) editor.openFile(file);
      setSolutionShown(query.has('solution'));
    },
  };
}

/** The menu's items and the toolbar's solution buttons, bound to the actions. */
function bindMenu(root: HTMLElement, { t, editor, store, lesson, announcer }: FileActionsDeps, actions: FileActions): void {
  const payload = () => lesson.payload();
  action(root, 'solution').onclick = () => actions.setSolutionShown(!editor.solutionShown());
  action(root, 'hide-solution').onclick = () => {
    actions.setSolutionShown(false);
    // The button goes away with the solution: the focus stays in the toolbar, on the menu.
    root.querySelector<HTMLElement>('.wb-menu-button')?.focus();
  };
  action(root, 'apply').onclick = () => void actions.replaceFiles(store.apply(payload().lesson, payload().solution), t('workbench.applied'));
  action(root, 'reset').onclick = () => void actions.replaceFiles(store.reset(payload().lesson, payload().files), t('workbench.resetDone'));
  action(root, 'undo').onclick = () => {
    const previous = store.undo(payload().lesson);
    if (previous) void actions.replaceFiles(previous, t('workbench.undone'));
  };
  action(root, 'download').onclick = () => void actions.download();
  action(root, 'copy-link').onclick = async () => {
    const url = `${location.origin}${location.pathname}`;
    try {
      await navigator.clipboard.writeText(url);
      announcer.say(t('workbench.copied'));
    } catch {
      announcer.say(t('workbench.copyFailed', { url }));
    }
  };
}
