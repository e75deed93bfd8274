// The editor panel: tabs, a small file tree, and the code — first as plain highlighted HTML (the
// page's server-rendered Shiki figures, or a <pre> we write), then Monaco once the learner shows
// intent (focus, click or typing in the code, the Edit button, or `whenReady()`). Never on load.
//
// DOM code with no framework. Every label comes from `t()`; the Monaco text area is the textbox
// named t('editor.codeLabel', { file }).
import './editor.css';
import { createListeners } from '../../runtime/listeners.ts';
import type { SolutionView } from './diff.ts';
import { renderFileTree } from './file-tree.ts';
import { languageOf } from './language-id.ts';
import { MARKER_OWNER, markersByFile, type EditorMarker } from './markers.ts';
import { initialTabs, shortcutOf, tabKeyTarget, withOpened } from './tabs.ts';
import { monacoThemeName } from './theme-name.ts';
import { WORKSPACE_PATH } from './workspace-path.ts';
import type { CompareKind, EditorDeps, EditorPanel, Files, MonacoApi, Theme } from './types.ts';

export type { EditorDeps, EditorPanel, EditorMarker, Files, MonacoApi, Theme };

type CodeEditor = ReturnType<MonacoApi['editor']['create']>;
type TextModel = ReturnType<MonacoApi['editor']['createModel']>;
type ViewState = ReturnType<CodeEditor['saveViewState']>;

/** The default loader: Monaco and all it needs, as lazy chunks. */
export const loadMonacoChunk = (): Promise<MonacoApi> =>
  import('./monaco-loader.ts').then((module) => module.loadMonaco());

let panels = 0;

const sameCode = (a: string, b: string) => a.replace(/\s+$/, '') === b.replace(/\s+$/, '');

export function mountEditor(container: HTMLElement, deps: EditorDeps): EditorPanel {
  const { t } = deps;
  const doc = container.ownerDocument;
  const id = `se${++panels}`;

  // ---- state ------------------------------------------------------------------------------
  let files: Files = { ...deps.files };
  let tabs = initialTabs(Object.keys(files), deps.open);
  let active = tabs[0] ?? '';
  let theme: Theme = deps.theme();
  let markers: EditorMarker[] = [];
  let solution: Files | null = null;
  let compareKind: CompareKind = 'solution';
  let disposed = false;
  let focusWhenReady = false;

  // A listener that throws (storage, restart) must not stop the others: the edit is still saved.
  const changeListeners = createListeners<[path: string, text: string, inserted: string]>();
  const saveListeners = createListeners<[]>();
  const runListeners = createListeners<[]>();

  let monaco: MonacoApi | null = null;
  let loading: Promise<void> | null = null;
  let editor: CodeEditor | null = null;
  let solutionView: SolutionView | null = null;
  /** The solution's diff view: its code comes with Monaco's (never needed before). */
  let diffModule: typeof import('./diff.ts') | null = null;
  const models = new Map<string, TextModel>();
  const viewStates = new Map<string, ViewState>();
  /** Set while we write to a model ourselves, so it is not reported as the learner's change. */
  let writing = false;

  // ---- the server-rendered code (kept until Monaco is ready, put back on dispose) ---------
  const original = Array.from(container.childNodes);
  const serverViews = new Map<string, { node: HTMLElement; parent: Node | null; next: Node | null }>();
  const collectServerViews = (from: ParentNode, keepPlace: boolean) => {
    for (const node of from.querySelectorAll<HTMLElement>('[data-file]')) {
      const path = node.dataset.file;
      if (path && !serverViews.has(path)) serverViews.set(path, { node, parent: keepPlace ? node.parentNode : null, next: keepPlace ? node.nextSibling : null });
    }
  };
  collectServerViews(container, true);
  for (const node of original) node.remove();

  // ---- DOM --------------------------------------------------------------------------------
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, className?: string): HTMLElementTagNameMap[K] => {
    const node = doc.createElement(tag);
    if (className) node.className = className;
    return node;
  };

  const root = el('div', 'se-panel');
  root.dataset.editor = 'plain';

  const bar = el('div', 'se-bar');
  const treeToggle = el('button', 'se-tree-toggle');
  treeToggle.type = 'button';
  treeToggle.textContent = t('editor.files');
  // On a narrow screen the code needs the width: the file list starts folded (Files opens it).
  const treeOpen = !(doc.defaultView?.matchMedia?.('(max-width: 600px)').matches ?? false);
  treeToggle.setAttribute('aria-expanded', String(treeOpen));
  treeToggle.setAttribute('aria-controls', `${id}-tree`);
  const tablist = el('div', 'se-tabs');
  tablist.setAttribute('role', 'tablist');
  tablist.setAttribute('aria-label', t('editor.tabs'));
  const editButton = el('button', 'se-edit');
  editButton.type = 'button';
  editButton.textContent = t('editor.edit');
  bar.append(treeToggle, tablist, editButton);

  const body = el('div', 'se-body');
  const tree = el('nav', 'se-tree');
  tree.id = `${id}-tree`;
  tree.setAttribute('aria-label', t('editor.fileTree'));
  const treeList = el('ul');
  tree.append(treeList);
  tree.hidden = !treeOpen;

  const code = el('div', 'se-code');
  code.id = `${id}-code`;
  code.setAttribute('role', 'tabpanel');
  const plain = el('div', 'se-plain');
  plain.tabIndex = 0;
  plain.setAttribute('role', 'region');
  const hint = el('p', 'se-hint');
  hint.id = `${id}-hint`;
  hint.textContent = t('editor.editHint');
  hint.title = hint.textContent;
  plain.setAttribute('aria-describedby', hint.id);
  const monacoHost = el('div', 'se-monaco');
  monacoHost.hidden = true;
  const diffHost = el('div');
  diffHost.hidden = true;
  code.append(plain, monacoHost, diffHost);
  body.append(tree, code);

  const status = el('p', 'se-status');
  status.setAttribute('role', 'status');
  const problems = el('ul', 'se-problems');
  problems.setAttribute('aria-label', t('editor.problems'));
  problems.hidden = true;

  // The hint shares the tabs' row (one line, the rest in a tooltip; read whole by screen readers
  // through aria-describedby): the code keeps the height.
  bar.insertBefore(hint, editButton);
  root.append(bar, body, status, problems);
  container.append(root);

  // ---- rendering --------------------------------------------------------------------------
  const tabId = (index: number) => `${id}-tab-${index}`;

  function renderTabs(): void {
    tablist.replaceChildren();
    tabs.forEach((path, index) => {
      const tab = el('button', 'se-tab');
      tab.type = 'button';
      tab.id = tabId(index);
      tab.setAttribute('role', 'tab');
      tab.setAttribute('aria-controls', code.id);
      tab.dataset.path = path;
      const selected = path === active;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      tab.textContent = path.slice(path.lastIndexOf('/') + 1);
      tab.title = path;
      if (tab.textContent !== path) tab.setAttribute('aria-label', path);
      tab.addEventListener('click', () => activate(path));
      tablist.append(tab);
    });
    const index = tabs.indexOf(active);
    if (index >= 0) code.setAttribute('aria-labelledby', tabId(index));
    else code.removeAttribute('aria-labelledby');
  }

  function renderTree(): void {
    renderFileTree(treeList, Object.keys(files), active, (path) => {
      activate(path);
      focusCode();
    });
  }

  function renderPlain(): void {
    const text = files[active];
    plain.setAttribute('aria-label', t('editor.previewLabel', { file: active }));
    const server = serverViews.get(active);
    const serverCode = server?.node.querySelector('pre')?.textContent;
    if (server && text !== undefined && serverCode != null && sameCode(serverCode, text)) {
      plain.replaceChildren(server.node);
      return;
    }
    const pre = el('pre', 'se-plain-code');
    const codeEl = el('code');
    codeEl.textContent = text ?? '';
    pre.append(codeEl);
    pre.dataset.file = active;
    plain.replaceChildren(pre);
  }

  function renderProblems(): void {
    problems.replaceChildren();
    const shown = markers.filter((marker) => files[marker.path] !== undefined);
    problems.hidden = shown.length === 0;
    for (const marker of shown) {
      const item = el('li');
      const button = el('button', 'se-problem');
      button.type = 'button';
      button.textContent = t('editor.problemAt', { file: marker.path, line: marker.line, message: marker.message });
      button.addEventListener('click', () => reveal(marker));
      item.append(button);
      problems.append(item);
    }
  }

  function setStatus(text: string): void {
    status.textContent = text;
  }

  // ---- Monaco -----------------------------------------------------------------------------
  function uriOf(api: MonacoApi, path: string) {
    return api.Uri.from({ scheme: 'file', path: WORKSPACE_PATH + path });
  }

  function createModels(api: MonacoApi): void {
    for (const [path, text] of Object.entries(files)) {
      const uri = uriOf(api, path);
      api.editor.getModel(uri)?.dispose();
      const model = api.editor.createModel(text, languageOf(path), uri);
      model.onDidChangeContent((event) => {
        if (writing || disposed) return;
        const value = model.getValue();
        const inserted = event.changes.map((change) => change.text).join('');
        files[path] = value;
        changeListeners.emit(path, value, inserted);
      });
      models.set(path, model);
    }
  }

  function disposeModels(): void {
    editor?.setModel(null);
    solutionView?.hide();
    for (const model of models.values()) model.dispose();
    models.clear();
    viewStates.clear();
  }

  function applyMarkers(): void {
    if (!monaco) return;
    const byFile = markersByFile(markers, files);
    for (const [path, model] of models) {
      const data = byFile.get(path) ?? [];
      monaco.editor.setModelMarkers(model, MARKER_OWNER, data.map((marker) => ({ ...marker, severity: monaco!.MarkerSeverity.Error })));
    }
  }

  function showModel(path: string): void {
    if (!editor) return;
    const model = models.get(path) ?? null;
    if (editor.getModel() === model) return;
    const previous = editor.getModel();
    if (previous) {
      const previousPath = [...models].find(([, m]) => m === previous)?.[0];
      if (previousPath) viewStates.set(previousPath, editor.saveViewState());
    }
    editor.setModel(model);
    const state = viewStates.get(path);
    if (state) editor.restoreViewState(state);
    editor.updateOptions(optionsFor(path));
  }

  /** Per file: its label, and no word-based guesses where the JS language service answers. */
  function optionsFor(path: string) {
    return {
      ariaLabel: t('editor.codeLabel', { file: path }),
      wordBasedSuggestions: languageOf(path) === 'javascript' ? ('off' as const) : ('currentDocument' as const),
    };
  }

  function renderSolution(): void {
    if (!monaco || !editor) return;
    const model = models.get(active);
    if (!solution || !model) {
      diffHost.hidden = true;
      monacoHost.hidden = false;
      solutionView?.hide();
      root.dataset.solution = 'false';
      return;
    }
    solutionView ??= diffModule!.createSolutionView(monaco, diffHost, t);
    monacoHost.hidden = true;
    diffHost.hidden = false;
    root.dataset.solution = 'true';
    solutionView.show(active, model, solution[active], compareKind);
  }

  function start(api: MonacoApi): void {
    monaco = api;
    api.editor.setTheme(monacoThemeName(theme));
    createModels(api);
    monacoHost.hidden = false;
    editor = api.editor.create(monacoHost, {
      model: models.get(active) ?? null,
      ...optionsFor(active),
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
    });
    applyMarkers();
    leaveWithEscapeThenTab(api, editor);
    const focused = doc.activeElement;
    const focusInside = root.contains(focused) || focused === doc.body || focused === null;
    plain.hidden = true;
    // The hint now says how to use the editor from the keyboard, and how to leave it.
    hint.textContent = t('editor.keysHint');
    hint.title = hint.textContent;
    editButton.hidden = true;
    root.dataset.editor = 'monaco';
    renderSolution();
    if (focusWhenReady && focusInside) focusCode();
    focusWhenReady = false;
  }

  function whenReady(): Promise<void> {
    if (monaco || disposed) return Promise.resolve();
    if (loading) return loading;
    editButton.disabled = true;
    code.setAttribute('aria-busy', 'true');
    setStatus(t('editor.loading'));
    const load = deps.loadMonaco ?? loadMonacoChunk;
    loading = Promise.all([load(), import('./diff.ts')]).then(
      ([api, diff]) => {
        diffModule = diff;
        code.removeAttribute('aria-busy');
        if (disposed) return;
        setStatus('');
        start(api);
      },
      (error: unknown) => {
        loading = null;
        code.removeAttribute('aria-busy');
        editButton.disabled = false;
        focusWhenReady = false;
        if (!disposed) setStatus(t('editor.error.load'));
        throw error;
      },
    );
    return loading;
  }

  /** The learner means to edit: load Monaco and give it the focus when it arrives. */
  function intent(): void {
    if (monaco) return;
    focusWhenReady = true;
    whenReady().catch(() => {
      // The status says what failed; the plain view still shows the code. The next intent retries.
    });
  }

  function focusCode(): void {
    if (solution && solutionView && !diffHost.hidden) solutionView.focus();
    else if (editor) editor.focus();
    else plain.focus();
  }

  function reveal(marker: EditorMarker): void {
    activate(marker.path);
    const go = () => {
      if (!editor || solution) return;
      const position = { lineNumber: Math.max(1, marker.line), column: Math.max(1, marker.column ?? 1) };
      editor.setPosition(position);
      editor.revealPositionInCenter(position);
      editor.focus();
    };
    if (editor) go();
    else {
      focusWhenReady = true;
      whenReady().then(go, () => {});
    }
  }

  // ---- behaviour --------------------------------------------------------------------------
  function activate(path: string): void {
    if (files[path] === undefined) return;
    tabs = withOpened(tabs, path);
    active = path;
    renderTabs();
    renderTree();
    if (editor) {
      showModel(path);
      renderSolution();
    } else renderPlain();
  }

  tablist.addEventListener('keydown', (event) => {
    const index = tabs.indexOf(active);
    const target = tabKeyTarget(event.key, index, tabs.length);
    if (target === null) return;
    event.preventDefault();
    const path = tabs[target];
    if (path === undefined) return;
    activate(path);
    tablist.querySelector<HTMLElement>(`#${tabId(target)}`)?.focus();
  });

  treeToggle.addEventListener('click', () => {
    const open = treeToggle.getAttribute('aria-expanded') !== 'true';
    treeToggle.setAttribute('aria-expanded', String(open));
    tree.hidden = !open;
  });

  editButton.addEventListener('click', intent);
  plain.addEventListener('focus', intent);
  plain.addEventListener('pointerdown', intent);
  plain.addEventListener('keydown', intent);

  // Ctrl/Cmd+S and Ctrl/Cmd+Enter anywhere in the panel, before Monaco sees them (capture).
  root.addEventListener(
    'keydown',
    (event) => {
      const shortcut = shortcutOf(event);
      if (!shortcut) return;
      event.preventDefault();
      event.stopPropagation();
      (shortcut === 'save' ? saveListeners : runListeners).emit();
    },
    { capture: true },
  );

  renderTabs();
  renderTree();
  renderPlain();

  return {
    setFiles(next, open, highlighted) {
      files = { ...next };
      if (highlighted) {
        // Another lesson's page: its highlighted code replaces this one's (which is not put back).
        serverViews.clear();
        collectServerViews(highlighted, false);
      }
      tabs = initialTabs(Object.keys(files), open);
      active = tabs[0] ?? '';
      markers = [];
      solution = null;
      if (monaco && editor) {
        writing = true;
        try {
          disposeModels();
          createModels(monaco);
        } finally {
          writing = false;
        }
        editor.setModel(models.get(active) ?? null);
        editor.updateOptions(optionsFor(active));
        applyMarkers();
        renderSolution();
      } else {
        renderPlain();
      }
      renderTabs();
      renderTree();
      renderProblems();
    },
    files: () => ({ ...files }),
    openFile: activate,
    activeFile: () => active,
    onChange: (cb) => changeListeners.add(cb),
    onSave: (cb) => saveListeners.add(cb),
    onRun: (cb) => runListeners.add(cb),
    setMarkers(next) {
      markers = next.map((marker) => ({ ...marker }));
      applyMarkers();
      renderProblems();
    },
    showSolution(next, kind = 'solution') {
      solution = { ...next };
      compareKind = kind;
      root.dataset.solution = 'true';
      if (monaco) renderSolution();
      else whenReady().catch(() => {});
    },
    hideSolution() {
      solution = null;
      if (monaco) renderSolution();
      else root.dataset.solution = 'false';
    },
    solutionShown: () => solution !== null,
    setTheme(next) {
      theme = next;
      monaco?.editor.setTheme(monacoThemeName(next));
    },
    whenReady,
    loaded: () => monaco !== null,
    dispose() {
      if (disposed) return;
      disposed = true;
      solutionView?.dispose();
      solutionView = null;
      disposeModels();
      editor?.dispose();
      editor = null;
      changeListeners.clear();
      saveListeners.clear();
      runListeners.clear();
      root.remove();
      // Put the page's own code back where it was.
      for (const { node, parent, next } of [...serverViews.values()].reverse()) {
        if (parent) parent.insertBefore(node, next && next.parentNode === parent ? next : null);
      }
      container.append(...original);
    },
  };
}

/**
 * No keyboard trap (WCAG 2.1.2): in the editor Tab indents, as a learner expects of a code
 * editor; Esc, then Tab (or Shift+Tab), moves the focus on, as in CodeMirror. Any other key
 * after Esc goes back to indenting.
 */
function leaveWithEscapeThenTab(api: MonacoApi, editor: CodeEditor): void {
  const { KeyCode } = api;
  editor.onKeyDown((event) => {
    if (event.keyCode === KeyCode.Escape) editor.updateOptions({ tabFocusMode: true });
    else if (event.keyCode !== KeyCode.Tab && event.keyCode !== KeyCode.Shift) editor.updateOptions({ tabFocusMode: false });
  });
  editor.onDidBlurEditorText(() => editor.updateOptions({ tabFocusMode: false }));
}
