// The editor panel: tabs, a small file tree, and the code — first as plain highlighted HTML (the
// page's server-rendered Shiki figures, or a <pre> we write), then Monaco once the learner shows
// intent (focus, click or typing in the code, the Edit button, or `whenReady()`). Never on load.
//
// This module builds the parts (each its own module, see ./README.md) around one `Panel` object
// and maps the panel's API onto ./panel-actions.ts. Every label comes from `t()`; the Monaco text
// area is the textbox named t('editor.codeLabel', { file }).
import './editor.css';
import { createListeners } from '../../runtime/listeners.ts';
import { createMonacoOnDemand } from './monaco-on-demand.ts';
import * as actions from './panel-actions.ts';
import type { Panel, PanelState } from './panel-actions.ts';
import { buildPanelDom } from './panel-dom.ts';
import { createPlainView } from './plain-view.ts';
import { borrowServerCode } from './server-code.ts';
import { listenForShortcuts } from './shortcuts.ts';
import { createSolutionPane } from './solution-pane.ts';
import { initialTabs } from './tabs.ts';
import { mountTabsView } from './tabs-view.ts';
import type { EditorDeps, EditorPanel, EditorMarker, Files, MonacoApi, Theme } from './types.ts';

export type { EditorDeps, EditorPanel, EditorMarker, Files, MonacoApi, Theme };

/** The default loader: Monaco and all it needs, as lazy chunks. */
export const loadMonacoChunk = (): Promise<MonacoApi> =>
  import('./monaco-loader.ts').then((module) => module.loadMonaco());

let panels = 0;

export function mountEditor(container: HTMLElement, deps: EditorDeps): EditorPanel {
  const { t } = deps;
  const id = `se${++panels}`;
  const tabs = initialTabs(Object.keys(deps.files), deps.open);
  const state: PanelState = { files: { ...deps.files }, tabs, active: tabs[0] ?? '', theme: deps.theme(), markers: [], disposed: false };
  const serverCode = borrowServerCode(container);
  const dom = buildPanelDom(id, t);
  container.append(dom.root);
  const onDemand = createMonacoOnDemand({
    load: deps.loadMonaco ?? loadMonacoChunk,
    dom,
    t,
    isDisposed: () => state.disposed,
    arrived: (arrival, wantsFocus) => actions.start(panel, arrival, wantsFocus),
  });
  const panel: Panel = {
    state,
    t,
    dom,
    serverCode,
    events: { change: createListeners(), save: createListeners(), run: createListeners() },
    solution: createSolutionPane(dom, t),
    onDemand,
    plainView: createPlainView(dom, serverCode, t, () => void onDemand.intent()),
    tabsView: mountTabsView(dom.tablist, dom.code, id, state, (path) => actions.activate(panel, path)),
    monacoView: null,
  };
  listenForShortcuts(dom.root, { save: () => panel.events.save.emit(), run: () => panel.events.run.emit() });
  panel.tabsView.render();
  actions.renderTree(panel);
  panel.plainView.render(state.active, state.files[state.active]);
  return editorApi(panel);
}

function editorApi(panel: Panel): EditorPanel {
  const { state, solution, onDemand, events } = panel;
  return {
    setFiles: (next, open, highlighted) => actions.setFiles(panel, next, open, highlighted),
    files: () => ({ ...state.files }),
    openFile: (path) => actions.activate(panel, path),
    activeFile: () => state.active,
    onChange: (cb) => events.change.add(cb),
    onSave: (cb) => events.save.add(cb),
    onRun: (cb) => events.run.add(cb),
    setMarkers: (next) => actions.setMarkers(panel, next),
    showSolution: (next, kind = 'solution') => actions.showSolution(panel, next, kind),
    hideSolution: () => actions.hideSolution(panel),
    solutionShown: () => solution.shown(),
    setTheme: (theme) => actions.setTheme(panel, theme),
    whenReady: onDemand.whenReady,
    loaded: onDemand.loaded,
    dispose: () => actions.dispose(panel),
  };
}
