// Where the other code (the step's solution, or code a link carried) shows: while it is asked for,
// the diff view (./diff.ts) takes the code editor's place in the code area, for the active file. The
// diff's code comes with Monaco's; until then the request is kept, and the panel's `data-solution`
// says what was asked.
import type { SolutionView } from './diff.ts';
import type { PanelDom } from './panel-dom.ts';
import type { CompareKind, Files, MonacoApi, TextModel, Translate } from './types.ts';

/** ./diff.ts, loaded with Monaco (a type only: importing it here loads nothing). */
export type DiffModule = typeof import('./diff.ts');

export interface SolutionPane {
  /** Asks for `files` beside the learner's (shown at the next render once Monaco is there). */
  request(files: Files, kind: CompareKind): void;
  /** Hides it (the data attribute at once). */
  withdraw(): void;
  /** A lesson switch: the request is dropped; the data attribute follows at the next render. */
  forget(): void;
  shown(): boolean;
  /** Monaco and the diff's code arrived. */
  attach(api: MonacoApi, diff: DiffModule): void;
  /** The diff of `path` (the learner's `learner` model) when asked for, else the code editor. */
  render(path: string, learner: TextModel | undefined): void;
  /** Focuses the diff's learner side when it is on screen; false when it is not. */
  focus(): boolean;
  /** Lets go of the learner's models (before they are disposed). */
  releaseModels(): void;
  dispose(): void;
}

type Hosts = Pick<PanelDom, 'root' | 'monacoHost' | 'diffHost'>;

export function createSolutionPane({ root, monacoHost, diffHost }: Hosts, t: Translate): SolutionPane {
  let solution: Files | null = null;
  let compareKind: CompareKind = 'solution';
  let loaded: { api: MonacoApi; diff: DiffModule } | null = null;
  let view: SolutionView | null = null;

  return {
    request(files, kind) {
      solution = { ...files };
      compareKind = kind;
      root.dataset.solution = 'true';
    },
    withdraw() {
      solution = null;
      root.dataset.solution = 'false';
    },
    forget() {
      solution = null;
    },
    shown: () => solution !== null,
    attach(api, diff) {
      loaded = { api, diff };
    },
    render(path, learner) {
      if (!loaded) return;
      if (!solution || !learner) {
        diffHost.hidden = true;
        monacoHost.hidden = false;
        view?.hide();
        root.dataset.solution = 'false';
        return;
      }
      view ??= loaded.diff.createSolutionView(loaded.api, diffHost, t);
      monacoHost.hidden = true;
      diffHost.hidden = false;
      root.dataset.solution = 'true';
      view.show(path, learner, solution[path], compareKind);
    },
    focus() {
      if (!solution || !view || diffHost.hidden) return false;
      view.focus();
      return true;
    },
    releaseModels: () => view?.hide(),
    dispose() {
      view?.dispose();
      view = null;
    },
  };
}
