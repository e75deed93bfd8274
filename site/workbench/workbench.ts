// The workbench, wired: the learner's files (the edit store), the editor, the lesson session
// (runtime, server) and its panels. One instance per tab: it lives on the persisted
// <session-workbench> element and follows client-side navigation, mounting new lessons without
// re-booting. This is the composition root: each job of the wiring is a module of wiring/.
import { createProgress } from '../components/progress.ts';
import { siteUrl } from '../course/urls.ts';
import { loadT } from '../i18n/client.ts';
import { mountEditor } from './editor/editor-panel.ts';
import type { EditorPanel } from './editor/types.ts';
import { mountInspector, type Inspector } from './inspect/index.ts';
import type { WorkbenchLayout } from './layout/workbench-layout.ts';
import { readPayload } from './lesson-data.ts';
import { nextTask } from './next-task.ts';
import { mountBootPanel } from './run/boot-panel.ts';
import { mountRunControls, mountRuntimeChoice } from './run/controls.ts';
import { mountTerminal } from './run/terminal-panel.ts';
import { createEditStore } from './session/edit-store.ts';
import { loadLabFiles } from './session/lab-files.ts';
import { readPreference } from './session/preference.ts';
import { createLessonSession, type LessonSession } from './session/session.ts';
import { bootWindowWebContainer } from './session/window-webcontainer.ts';
import { wireEdits } from './wiring/edits.ts';
import { bindFileActions } from './wiring/file-actions.ts';
import { followNavigation } from './wiring/navigation.ts';
import { mountOutputTabs } from './wiring/output-tabs.ts';
import { announcer as pageAnnouncer, currentLesson, currentTheme, slot } from './wiring/page.ts';
import { endWithPage, followTheme, resumeWhenShown } from './wiring/page-life.ts';
import { showServerErrors } from './wiring/server-errors.ts';
import { bindSharedCode } from './wiring/shared-code.ts';

export interface WorkbenchHandle {
  session: LessonSession;
  editor: EditorPanel;
  inspector: Inspector;
  layout: WorkbenchLayout;
  lesson(): string;
}

declare global {
  interface HTMLElement {
    /** The live workbench, for the page's own scripts and the end-to-end tests. */
    sessionLab?: WorkbenchHandle;
  }
  interface HTMLElementTagNameMap {
    'session-workbench': HTMLElement;
  }
}

export async function startWorkbench(root: HTMLElement): Promise<WorkbenchHandle> {
  if (root.sessionLab) return root.sessionLab;
  const payload = readPayload();
  if (!payload) throw new Error('no lesson payload on this page');
  const lesson = currentLesson(payload);
  const t = await loadT(payload.lang);
  await nextTask();
  // The learner's files: the edit store holds the one copy; the editor shows it, the session
  // reads it at each mount (openLesson), the download and the links read it when asked.
  const store = createEditStore();
  const editor = mountEditor(slot(root, 'editor'), { t, files: store.load(payload.lesson, payload.files), open: payload.open, theme: currentTheme });
  await nextTask();
  const session = createLessonSession({
    preference: readPreference,
    labFiles: loadLabFiles,
    snapshotUrl: siteUrl('runtime/deps.snapshot'),
    // The window's one WebContainer: a workbench built after the outline and back reuses it.
    createWebContainer: bootWindowWebContainer,
  });
  const openLesson = () => {
    const shown = lesson.payload();
    return session.open(shown, () => store.files(shown.lesson));
  };
  const announcer = pageAnnouncer(root);
  const edits = wireEdits({ t, editor, store, session, lesson, announcer });
  const restartNow = () => void edits.restartNow();
  // The inspector: the request panel, the cookie and store views (the Session tab).
  const progress = createProgress();
  const inspector = mountInspector(
    { request: slot(root, 'inspect-request'), cookie: slot(root, 'inspect-cookie'), store: slot(root, 'inspect-store') },
    { t, session, payload: lesson.payload, progress, onRestart: restartNow },
  );
  const leaving = endWithPage(root, session);
  await nextTask();

  mountRunControls(slot(root, 'run-controls'), { t, session, onRun: restartNow });
  mountRuntimeChoice(slot(root, 'runtime-choice'), { t, session });
  mountBootPanel(slot(root, 'boot'), { t, session, onChooseRuntime: (preference) => void session.retry(preference), onRestart: restartNow });
  const terminal = mountTerminal(slot(root, 'terminal'), { t, theme: currentTheme, session });
  const { views, layout } = mountOutputTabs(root, { t, session, lesson, state: inspector.state, progress });
  const handle: WorkbenchHandle = { session, editor, inspector, layout, lesson: () => lesson.payload().lesson };
  root.sessionLab = handle;
  // The toolbar and the output panels have held their place since the first paint: show them.
  root.dataset.live = '';

  resumeWhenShown(session, leaving.signal);
  showServerErrors({ t, session, editor, announcer });
  const files = bindFileActions(root, { t, editor, store, lesson, announcer, openLesson, cancelRestart: edits.cancelRestart });
  const shared = bindSharedCode(root, { t, editor, store, lesson, announcer, files });
  files.applyQuery();
  void shared.open();
  // A link pasted into this tab's address bar changes only the fragment: no page load.
  window.addEventListener('hashchange', () => void shared.open(), { signal: leaving.signal });
  followTheme([editor, terminal], leaving.signal);
  followNavigation({ lesson, store, editor, inspector, views, layout, files, shared, openLesson }, leaving.signal);

  // The learner may have left already (the workbench starts when the page is idle).
  if (!leaving.signal.aborted) await openLesson();
  return handle;
}
