// What the editor panel does when asked, by the learner (a tab, a file, a problem) or by the
// workbench (a lesson switch, markers, the solution): each action updates the panel's state, then
// the parts that show it. The state lives in the one `Panel` object mountEditor builds
// (./editor-panel.ts); only these actions write it, the parts only read it.
import type { Listeners } from '../../runtime/listeners.ts';
import { renderFileTree } from './file-tree.ts';
import type { Arrival, MonacoOnDemand } from './monaco-on-demand.ts';
import type { MonacoView } from './monaco-view.ts';
import type { PanelDom } from './panel-dom.ts';
import type { PlainView } from './plain-view.ts';
import { renderProblems } from './problems-view.ts';
import type { ServerCode } from './server-code.ts';
import type { SolutionPane } from './solution-pane.ts';
import { initialTabs, withOpened } from './tabs.ts';
import type { TabsView } from './tabs-view.ts';
import type { CompareKind, EditorMarker, Files, Theme, Translate } from './types.ts';

export interface PanelState {
  files: Files;
  tabs: string[];
  active: string;
  theme: Theme;
  markers: EditorMarker[];
  disposed: boolean;
}

export interface Panel {
  state: PanelState;
  t: Translate;
  dom: PanelDom;
  serverCode: ServerCode;
  /** A listener that throws (storage, restart) must not stop the others: the edit is still saved. */
  events: { change: Listeners<[path: string, text: string, inserted: string]>; save: Listeners<[]>; run: Listeners<[]> };
  solution: SolutionPane;
  onDemand: MonacoOnDemand;
  plainView: PlainView;
  tabsView: TabsView;
  /** Null until Monaco arrives. */
  monacoView: MonacoView | null;
}

/** Shows `path` (adding its tab); files the lesson does not have are ignored. */
export function activate(panel: Panel, path: string): void {
  const { state } = panel;
  if (state.files[path] === undefined) return;
  state.tabs = withOpened(state.tabs, path);
  state.active = path;
  panel.tabsView.render();
  renderTree(panel);
  renderCode(panel);
}

export function renderTree(panel: Panel): void {
  const { state } = panel;
  renderFileTree(panel.dom.treeList, Object.keys(state.files), state.active, (path) => {
    activate(panel, path);
    focusCode(panel);
  });
}

function renderCode(panel: Panel): void {
  const { state, monacoView } = panel;
  if (monacoView) {
    monacoView.show(state.active);
    renderSolution(panel);
  } else panel.plainView.render(state.active, state.files[state.active]);
}

function renderSolution(panel: Panel): void {
  const { state, monacoView } = panel;
  if (monacoView) panel.solution.render(state.active, monacoView.model(state.active));
}

function renderProblemsOf(panel: Panel): void {
  const { state } = panel;
  renderProblems(panel.dom.problems, state.markers, state.files, panel.t, (marker) => reveal(panel, marker));
}

function focusCode(panel: Panel): void {
  if (panel.solution.focus()) return;
  if (panel.monacoView) panel.monacoView.focus();
  else panel.dom.plain.focus();
}

/** A problem's line: its file, then the line in Monaco (loaded for it), unless the diff is shown. */
function reveal(panel: Panel, marker: EditorMarker): void {
  activate(panel, marker.path);
  const go = () => {
    if (panel.monacoView && !panel.solution.shown()) panel.monacoView.reveal(marker);
  };
  if (panel.monacoView) go();
  else panel.onDemand.intent().then(go, () => {});
}

/** Monaco arrived: the code editor replaces the plain view (and takes the focus if it was asked for). */
export function start(panel: Panel, { api, view, diff }: Arrival, wantsFocus: boolean): void {
  const { state, dom, solution } = panel;
  const onEdit = (path: string, text: string, inserted: string) => {
    if (state.disposed) return;
    state.files[path] = text;
    panel.events.change.emit(path, text, inserted);
  };
  const { files, active, theme } = state;
  panel.monacoView = view.createMonacoView(api, dom.monacoHost, { files, active, theme, t: panel.t, onEdit, releaseModels: solution.releaseModels });
  panel.monacoView.setMarkers(state.markers, state.files);
  solution.attach(api, diff);
  const focused = document.activeElement;
  const focusInside = dom.root.contains(focused) || focused === document.body || focused === null;
  panel.plainView.retire();
  renderSolution(panel);
  if (wantsFocus && focusInside) focusCode(panel);
}

/** A lesson switch: every file and model replaced (fresh undo history), markers cleared, solution hidden. */
export function setFiles(panel: Panel, next: Files, open: string[], highlighted?: ParentNode | null): void {
  const { state, monacoView } = panel;
  // Another lesson's page: its highlighted code replaces this one's (which is not put back).
  if (highlighted) panel.serverCode.replace(highlighted);
  state.files = { ...next };
  state.tabs = initialTabs(Object.keys(state.files), open);
  state.active = state.tabs[0] ?? '';
  state.markers = [];
  panel.solution.forget();
  if (monacoView) {
    monacoView.replaceFiles(state.files, state.active);
    monacoView.setMarkers(state.markers, state.files);
    renderSolution(panel);
  } else panel.plainView.render(state.active, state.files[state.active]);
  panel.tabsView.render();
  renderTree(panel);
  renderProblemsOf(panel);
}

export function setMarkers(panel: Panel, next: readonly EditorMarker[]): void {
  const { state } = panel;
  state.markers = next.map((marker) => ({ ...marker }));
  panel.monacoView?.setMarkers(state.markers, state.files);
  renderProblemsOf(panel);
}

/** The other code beside the learner's; loads Monaco for it if need be. */
export function showSolution(panel: Panel, files: Files, kind: CompareKind): void {
  panel.solution.request(files, kind);
  if (panel.monacoView) renderSolution(panel);
  else panel.onDemand.whenReady().catch(() => {});
}

export function hideSolution(panel: Panel): void {
  panel.solution.withdraw();
  renderSolution(panel);
}

export function setTheme(panel: Panel, theme: Theme): void {
  panel.state.theme = theme;
  panel.monacoView?.setTheme(theme);
}

/** Monaco's parts first (the diff before the models it shows), then the page's own code back. */
export function dispose(panel: Panel): void {
  if (panel.state.disposed) return;
  panel.state.disposed = true;
  panel.solution.dispose();
  panel.monacoView?.dispose();
  panel.monacoView = null;
  for (const listeners of Object.values(panel.events)) listeners.clear();
  panel.dom.root.remove();
  panel.serverCode.giveBack();
}
