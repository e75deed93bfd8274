// The workbench, wired: the learner's files (storage), the editor, the lesson session (runtime,
// server) and its panels. One instance per tab: it lives on the persisted <session-workbench>
// element and follows client-side navigation, mounting new lessons without re-booting.
import { loadT } from '../i18n/client.ts';
import { readPayload, type LessonPayload } from './lesson-data.ts';
import { createEditStore, type Files } from './session/edit-store.ts';
import { mountEditor, type EditorPanel } from './editor/editor-panel.ts';
import { createLessonSession, type LessonSession } from './session/session.ts';
import { loadLabFiles } from './session/lab-files.ts';
import { mountBootPanel } from './run/boot-panel.ts';
import { mountRunControls, mountRuntimeChoice } from './run/controls.ts';
import { readPreference } from './session/preference.ts';
import { mountTerminal } from './run/terminal-panel.ts';
import { createRestartScheduler } from './restart-scheduler.ts';
import { connectShell, hasShell, type ShellConnection } from './run/shell.ts';
import { bootWindowWebContainer, handBackWebContainer } from './session/window-webcontainer.ts';
import { mountInspector, type Inspector } from './inspect/index.ts';
import { createProgress } from '../components/progress.ts';
import { nextTask } from './next-task.ts';
import { mountSharePanel } from './share/share-panel.ts';
import { siteUrl } from '../course/urls.ts';
import { mountWorkbenchLayout, type WorkbenchLayout } from './layout/workbench-layout.ts';
import { lazyView } from './lazy-view.ts';

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

const slot = <T extends HTMLElement = HTMLElement>(root: HTMLElement, name: string) => root.querySelector<T>(`[data-slot="${name}"]`)!;
const action = (root: HTMLElement, name: string) => root.querySelector<HTMLButtonElement>(`[data-action="${name}"]`)!;

const currentTheme = (): 'light' | 'dark' => {
  const forced = document.documentElement.getAttribute('data-theme');
  if (forced === 'light' || forced === 'dark') return forced;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
};

export async function startWorkbench(root: HTMLElement): Promise<WorkbenchHandle> {
  if (root.sessionLab) return root.sessionLab;
  let payload = readPayload();
  if (!payload) throw new Error('no lesson payload on this page');
  const t = await loadT(payload.lang);
  await nextTask();
  const store = createEditStore();
  const announce = (text: string) => (slot(root, 'announce').textContent = text);

  let files: Files = store.load(payload.lesson, payload.files);
  const editor = mountEditor(slot(root, 'editor'), { t, files, open: payload.open, theme: currentTheme });
  await nextTask();
  const session = createLessonSession({
    preference: readPreference,
    labFiles: loadLabFiles,
    snapshotUrl: siteUrl('runtime/deps.snapshot'),
    // The window's one WebContainer: a workbench built after the outline and back reuses it.
    createWebContainer: bootWindowWebContainer,
  });
  // The inspector: the request panel, the cookie and store views, the timeline, "Check my work".
  const progress = createProgress();
  const inspector = mountInspector(
    {
      request: slot(root, 'inspect-request'),
      cookie: slot(root, 'inspect-cookie'),
      store: slot(root, 'inspect-store'),
    },
    { t, session, payload: () => payload!, progress, onRestart: () => void restartNow() },
  );
  // A page without this workbench replaced it (the outline): its session ends and hands the
  // WebContainer back for the next workbench; its listeners on the document go with it.
  const leaving = new AbortController();
  const listen = { signal: leaving.signal };
  document.addEventListener(
    'astro:after-swap',
    () => {
      if (root.isConnected) return;
      leaving.abort();
      handBackWebContainer(session.dispose());
    },
    listen,
  );
  await nextTask();

  mountRunControls(slot(root, 'run-controls'), { t, session, onRun: () => void restartNow() });
  mountRuntimeChoice(slot(root, 'runtime-choice'), { t, session });
  mountBootPanel(slot(root, 'boot'), { t, session, onChooseRuntime: (preference) => void session.retry(preference), onRestart: () => void restartNow() });
  const terminal = mountTerminal(slot(root, 'terminal'), { t, theme: currentTheme, session });
  const firstPage = (p: LessonPayload) => p.routes.find((r) => r.method === 'GET')?.path ?? '/';
  // The views behind the other tabs load with their tab (the diagram first where a lesson
  // opens on it); each draws what the shared state has gathered meanwhile.
  const common = { t, session, payload: () => payload!, state: inspector.state };
  const views = {
    diagram: lazyView(() => import('./inspect/sequence-view.ts').then((m) => m.mountSequence(slot(root, 'inspect-sequence'), common))),
    timeline: lazyView(() => import('./inspect/timeline-view.ts').then((m) => m.mountTimeline(slot(root, 'inspect-timeline'), common))),
    checks: lazyView(() => import('./inspect/checks-panel.ts').then((m) => m.mountChecks(slot(root, 'inspect-checks'), { ...common, progress }))),
    // The preview starts on the lesson's first page; until its tab is shown it loads nothing.
    preview: lazyView(() => import('./run/preview-panel.ts').then((m) => m.mountPreview(slot(root, 'preview'), { t, session, path: firstPage(payload!), visible: false }))),
  };
  const layout = mountWorkbenchLayout(root, {
    onTab: (tab) => {
      if (tab === 'preview') void views.preview.show().then((preview) => preview?.setVisible(layout.selectedTab() === 'preview'));
      else views.preview.current()?.setVisible(false);
      if (tab === 'shell') void openShell();
      if (tab === 'diagram') void views.diagram.show().then((view) => view?.refresh());
      if (tab === 'timeline') void views.timeline.show();
      if (tab === 'checks') void views.checks.show();
    },
  });
  if (layout.selectedTab() === 'diagram') void views.diagram.show();
  const handle: WorkbenchHandle = { session, editor, inspector, layout, lesson: () => payload!.lesson };
  root.sessionLab = handle;
  // The toolbar and the output panels have held their place since the first paint: show them.
  root.dataset.live = '';

  // A WebContainer has a real shell (npm install in the install lesson); it starts when the
  // learner opens its tab. The local runner has none, so the tab stays hidden there.
  const shellTab = root.querySelector<HTMLButtonElement>('[data-tab="shell"]')!;
  let shellOpen = false;
  const openShell = async () => {
    if (shellOpen) return;
    shellOpen = true;
    let shell: ShellConnection | null = null;
    const shellTerminal = mountTerminal(slot(root, 'shell'), { t, theme: currentTheme, label: t('workbench.shellLabel'), onInput: (data) => shell?.input(data) });
    shell = await connectShell(session.runtime(), {
      write: (data) => shellTerminal.write(data),
      ended: (code) => {
        shellTerminal.notice(t('workbench.shellEnded', { code }));
        shellOpen = false;
      },
    });
  };
  session.onState(() => (shellTab.hidden = !hasShell(session.runtime())));

  // Edits: saved at once (never lost), written to the runtime in order, and the server restarted
  // once the learner pauses — never in the middle of a word. Ctrl/Cmd+S and Run restart at once,
  // after the writes already under way.
  let writes: Promise<void> = Promise.resolve();
  const scheduler = createRestartScheduler({ restart: () => writes.then(() => session.restart()) });
  const restartNow = async () => {
    scheduler.cancel();
    await writes;
    await session.restart();
  };
  editor.onChange((path, text, inserted = '') => {
    files = { ...files, [path]: text };
    try {
      store.save(payload!.lesson, path, text);
    } catch (error) {
      announce(t((error as { key?: string }).key ?? 'editor.error.storageFull'));
    }
    writes = writes.then(() => session.write(path, text));
    scheduler.edited(inserted);
  });
  editor.onSave(() => void restartNow());
  editor.onRun(() => void restartNow());

  // A tab the local runner paused to make room for another comes back when the learner does:
  // shown again (a tab switch) or focused (a window beside another). Never on its own while it
  // stays in front, so two shown pages cannot take the room from each other in turn.
  const resumeIfShown = () => {
    if (document.visibilityState === 'visible' && session.state().phase === 'suspended') void session.resume();
  };
  document.addEventListener('visibilitychange', resumeIfShown, listen);
  window.addEventListener('focus', resumeIfShown, listen);

  // Probe errors as markers at the learner's line, and a sentence that says where.
  // Once the server runs again the sentence goes — that one only: a running server must not
  // wipe what an action said meanwhile ("reset to the starter", a copied link).
  let errorSaid = '';
  session.onState((state) => {
    const error = state.phase === 'crashed' ? state.lastError : undefined;
    editor.setMarkers(error?.file && error.line ? [{ path: error.file, line: error.line, column: error.column, message: error.message }] : []);
    if (error) {
      errorSaid = error.file && error.line ? t('workbench.serverError', { file: error.file, line: error.line, message: error.message }) : t('workbench.serverErrorNoPlace', { message: error.message });
      announce(errorSaid);
    } else if (state.phase === 'running' && errorSaid) {
      if (slot(root, 'announce').textContent === errorSaid) announce('');
      errorSaid = '';
    }
  });

  // The menu's actions: solution beside the code (never over it) — while it shows, "Use the
  // solution" (a separate, undoable action) and "Hide solution" sit in the toolbar.
  const solutionItem = action(root, 'solution');
  const applyButton = action(root, 'apply');
  const hideButton = action(root, 'hide-solution');
  const undoButton = action(root, 'undo');
  const refreshUndo = () => (undoButton.disabled = !store.canUndo(payload!.lesson));
  const setSolutionShown = (shown: boolean) => {
    if (shown) editor.showSolution(payload!.solution);
    else editor.hideSolution();
    solutionItem.setAttribute('aria-checked', String(shown));
    applyButton.hidden = !shown;
    hideButton.hidden = !shown;
  };
  const replaceFiles = async (next: Files, message: string) => {
    // The restart an edit had scheduled is moot: opening the new files restarts the server (and
    // a late one would clear the message below).
    scheduler.cancel();
    files = next;
    const wasShown = editor.solutionShown();
    editor.setFiles(files, payload!.open);
    if (wasShown) editor.showSolution(payload!.solution);
    await session.open(payload!, files);
    refreshUndo();
    announce(message);
  };
  solutionItem.onclick = () => setSolutionShown(!editor.solutionShown());
  hideButton.onclick = () => {
    setSolutionShown(false);
    // The button goes away with the solution: the focus stays in the toolbar, on the menu.
    root.querySelector<HTMLElement>('.wb-menu-button')?.focus();
  };
  applyButton.onclick = () => void replaceFiles(store.apply(payload!.lesson, payload!.solution), t('workbench.applied'));
  action(root, 'reset').onclick = () => void replaceFiles(store.reset(payload!.lesson, payload!.files), t('workbench.resetDone'));
  undoButton.onclick = () => {
    const previous = store.undo(payload!.lesson);
    if (previous) void replaceFiles(previous, t('workbench.undone'));
  };
  const download = async () => {
    // The zip code is only needed when the learner asks for it.
    const { zipFiles, downloadZip } = await import('./zip.ts');
    downloadZip(zipFiles(files, payload!.lesson), `${payload!.lesson}.zip`);
  };
  action(root, 'download').onclick = () => void download();
  action(root, 'copy-link').onclick = async () => {
    const url = `${location.origin}${location.pathname}`;
    try {
      await navigator.clipboard.writeText(url);
      announce(t('workbench.copied'));
    } catch {
      announce(t('workbench.copyFailed', { url }));
    }
  };
  refreshUndo();

  // Links that carry code (share/code-link.ts): the learner's changes in the fragment. An incoming
  // one is shown beside the reader's own code and changes nothing until "Use this code" (undoable).
  const share = mountSharePanel(slot(root, 'share'), t);
  const stepAddress = () => `${location.origin}${location.pathname}`;
  action(root, 'copy-code-link').onclick = async () => {
    const { codeLink } = await import('./share/code-link.ts');
    const made = codeLink(stepAddress(), payload!.lesson, files, payload!.files);
    if (made.kind === 'tooLong') return share.tooLong(made.length, made.max, () => void download());
    share.hide();
    try {
      await navigator.clipboard.writeText(made.url);
      announce(made.kind === 'link' ? t('share.copied', { count: made.files }) : t('share.unchanged'));
    } catch {
      share.copyByHand(made.url);
    }
  };
  /** The shared code on show beside the learner's (null when none is offered). */
  let offered: Files | null = null;
  const settleOffer = async (message?: string) => {
    const { withoutCode } = await import('./share/code-link.ts');
    history.replaceState(history.state, '', withoutCode(location.href));
    if (offered && editor.solutionShown() && solutionItem.getAttribute('aria-checked') !== 'true') editor.hideSolution();
    offered = null;
    share.hide();
    if (message) announce(message);
  };
  const openSharedCode = async () => {
    if (!location.hash.startsWith('#code=')) return;
    const { readCodeLink, changedFiles } = await import('./share/code-link.ts');
    const read = readCodeLink(location.hash, payload!.lesson);
    if (read.kind === 'damaged') return share.notice(t('share.damaged'), () => void settleOffer());
    if (read.kind === 'otherLesson') return share.notice(t('share.otherLesson', { lesson: read.lesson }), () => void settleOffer());
    if (read.kind !== 'code') return;
    const shared = { ...payload!.files, ...read.code.files };
    if (Object.keys(changedFiles(shared, files)).length === 0) return settleOffer(t('share.same'));
    offered = shared;
    const changed = Object.keys(changedFiles(shared, files)).sort();
    // Show a changed file the reader has (a file only the link has cannot sit beside theirs).
    const beside = changed.find((path) => path in files);
    if (beside) editor.openFile(beside);
    editor.showSolution(shared, 'shared');
    share.offer(changed.map((path) => ({ path, added: !(path in files) })), {
      use: () => {
        const next = store.apply(payload!.lesson, shared);
        void settleOffer().then(() => replaceFiles(next, t('share.used')));
      },
      keep: () => void settleOffer(t('share.kept')),
    });
  };

  // Instructor links: ?file=NAME opens a file, ?solution opens the solution view.
  const applyQuery = () => {
    const query = new URLSearchParams(location.search);
    const file = query.get('file');
    if (file && file in files) editor.openFile(file);
    setSolutionShown(query.has('solution'));
  };
  applyQuery();
  void openSharedCode();
  // A link pasted into this tab's address bar changes only the fragment: no page load.
  window.addEventListener('hashchange', () => void openSharedCode(), listen);

  // Theme changes (the toggle, or the system) reach Monaco and the terminal.
  const themeChanged = () => {
    editor.setTheme(currentTheme());
    terminal.setTheme(currentTheme());
  };
  const themeObserver = new MutationObserver(themeChanged);
  themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  leaving.signal.addEventListener('abort', () => themeObserver.disconnect());
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', themeChanged, listen);

  // The next page's highlighted starter code, taken before the swap drops it (this persisted
  // workbench replaces the new page's): a lesson switch shows it until Monaco loads.
  let nextHighlighted: HTMLElement | null = null;
  document.addEventListener(
    'astro:before-swap',
    (event) => {
      nextHighlighted = (event as Event & { newDocument: Document }).newDocument.querySelector<HTMLElement>('session-workbench [data-slot="editor"]');
    },
    listen,
  );

  // Client-side navigation: same lesson → new step (files stay); another lesson → mount its files.
  document.addEventListener('astro:page-load', () => {
    const next = readPayload();
    if (!next || next.lang !== payload!.lang) return;
    const lessonChanged = next.lesson !== payload!.lesson;
    payload = next;
    // A new lesson is a new app: its browsers start with empty jars (cookies ignore ports).
    if (lessonChanged) void inspector.lessonChanged();
    else inspector.stepChanged();
    views.checks.current()?.stepChanged();
    if (lessonChanged) {
      // An offer of shared code belongs to its lesson's files.
      if (share.shown) void settleOffer();
      files = store.load(next.lesson, next.files);
      editor.setFiles(files, next.open, nextHighlighted);
      setSolutionShown(false);
      void session.open(next, files);
      views.preview.current()?.lessonChanged();
      views.preview.current()?.navigate(firstPage(next));
      refreshUndo();
      // A lesson opens on its own first view (the diagram where the exchange is introduced).
      layout.selectTab(next.view ?? 'session');
    }
    applyQuery();
    void openSharedCode();
  }, listen);

  // The learner may have left already (the workbench starts when the page is idle).
  if (!leaving.signal.aborted) await session.open(payload, files);
  return handle;
}
