// Monaco is megabytes of JavaScript (the project's GOTCHAS.md: a page loading it eagerly scored 0.47
// in Lighthouse performance), so it comes only when the learner shows intent to edit, or when
// something needs it (the solution's diff, `whenReady()`). This loads it once, as lazy chunks, with
// the panel's code that only works with Monaco (the code editor, the diff view), so the page's
// initial JavaScript carries neither; marks the code busy and says so meanwhile; says what failed,
// and lets the next intent retry. Whether the learner asked for the focus travels with the arrival.
import type { PanelDom } from './panel-dom.ts';
import type { DiffModule } from './solution-pane.ts';
import type { MonacoApi, Translate } from './types.ts';

/** What arrives together: Monaco's API, and the modules of the panel's that need it. */
export interface Arrival {
  api: MonacoApi;
  view: typeof import('./monaco-view.ts');
  diff: DiffModule;
}

export interface MonacoOnDemand {
  /** Starts loading (if not yet) and resolves once Monaco is ready; rejects if it fails to load. */
  whenReady(): Promise<void>;
  /** The learner means to edit: load Monaco, and give it the focus when it arrives. */
  intent(): Promise<void>;
  loaded(): boolean;
}

export interface OnDemandOptions {
  load: () => Promise<MonacoApi>;
  dom: Pick<PanelDom, 'code' | 'editButton' | 'status'>;
  t: Translate;
  isDisposed: () => boolean;
  /** Monaco is here (never called once the panel is disposed); `wantsFocus`: an intent asked for it. */
  arrived: (arrival: Arrival, wantsFocus: boolean) => void;
}

export function createMonacoOnDemand({ load, dom, t, isDisposed, arrived }: OnDemandOptions): MonacoOnDemand {
  let api: MonacoApi | null = null;
  let loading: Promise<void> | null = null;
  let focusWhenReady = false;

  const arrive = ([loadedApi, view, diff]: [MonacoApi, Arrival['view'], DiffModule]) => {
    dom.code.removeAttribute('aria-busy');
    if (isDisposed()) return;
    dom.status.textContent = '';
    api = loadedApi;
    arrived({ api: loadedApi, view, diff }, focusWhenReady);
    focusWhenReady = false;
  };
  const fail = (error: unknown): never => {
    loading = null;
    dom.code.removeAttribute('aria-busy');
    dom.editButton.disabled = false;
    focusWhenReady = false;
    if (!isDisposed()) dom.status.textContent = t('editor.error.load');
    throw error;
  };

  const whenReady = (): Promise<void> => {
    if (api || isDisposed()) return Promise.resolve();
    if (loading) return loading;
    dom.editButton.disabled = true;
    dom.code.setAttribute('aria-busy', 'true');
    dom.status.textContent = t('editor.loading');
    loading = Promise.all([load(), import('./monaco-view.ts'), import('./diff.ts')]).then(arrive, fail);
    return loading;
  };

  return {
    whenReady,
    intent() {
      if (api) return Promise.resolve();
      focusWhenReady = true;
      const ready = whenReady();
      ready.catch(() => {
        // The status says what failed; the plain view still shows the code. The next intent retries.
      });
      return ready;
    },
    loaded: () => api !== null,
  };
}
