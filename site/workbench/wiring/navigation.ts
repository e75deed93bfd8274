// Client-side navigation with the persisted workbench: another step of the same lesson keeps the
// files (the inspector and the checks follow the step); another lesson mounts its files (from the
// edit store) and opens on its own first view. Either way the instructor query and a shared-code
// fragment of the new address are read.
import type { EditorPanel } from '../editor/types.ts';
import type { Inspector } from '../inspect/index.ts';
import type { WorkbenchLayout } from '../layout/workbench-layout.ts';
import { readPayload, type LessonPayload } from '../lesson-data.ts';
import type { EditStore } from '../session/edit-store.ts';
import type { FileActions } from './file-actions.ts';
import { firstPage, type OutputViews } from './output-tabs.ts';
import type { CurrentLesson } from './page.ts';
import type { SharedCode } from './shared-code.ts';

export interface NavigationDeps {
  readonly lesson: CurrentLesson;
  readonly store: EditStore;
  readonly editor: EditorPanel;
  readonly inspector: Inspector;
  readonly views: OutputViews;
  readonly layout: WorkbenchLayout;
  readonly files: FileActions;
  readonly shared: SharedCode;
  /** Mounts the current lesson's files and starts its server. */
  readonly openLesson: () => Promise<void>;
}

export function followNavigation(deps: NavigationDeps, signal: AbortSignal): void {
  // The next page's highlighted starter code, taken before the swap drops it (this persisted
  // workbench replaces the new page's): a lesson switch shows it until Monaco loads.
  let nextHighlighted: HTMLElement | null = null;
  document.addEventListener(
    'astro:before-swap',
    (event) => {
      nextHighlighted = (event as Event & { newDocument: Document }).newDocument.querySelector<HTMLElement>('session-workbench [data-slot="editor"]');
    },
    { signal },
  );
  document.addEventListener(
    'astro:page-load',
    () => {
      const next = readPayload();
      if (!next || next.lang !== deps.lesson.payload().lang) return;
      const lessonChanged = next.lesson !== deps.lesson.payload().lesson;
      deps.lesson.set(next);
      // A new lesson is a new app: its browsers start with empty jars (cookies ignore ports).
      if (lessonChanged) void deps.inspector.lessonChanged();
      else deps.inspector.stepChanged();
      deps.views.checks.current()?.stepChanged();
      if (lessonChanged) switchLesson(deps, next, nextHighlighted);
      deps.files.applyQuery();
      void deps.shared.open();
    },
    { signal },
  );
}

function switchLesson(deps: NavigationDeps, next: LessonPayload, highlighted: HTMLElement | null): void {
  // An offer of shared code belongs to its lesson's files.
  if (deps.shared.shown) void deps.shared.settle();
  deps.editor.setFiles(deps.store.load(next.lesson, next.files), next.open, highlighted);
  deps.files.setSolutionShown(false);
  void deps.openLesson();
  deps.views.preview.current()?.lessonChanged();
  deps.views.preview.current()?.navigate(firstPage(next));
  deps.files.refreshUndo();
  // A lesson opens on its own first view (the diagram where the exchange is introduced).
  deps.layout.selectTab(next.view ?? 'session');
}
