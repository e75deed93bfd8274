// The inspector, mounted in one call: the shared state and the views of the Session tab (request
// panel, cookie and store views) that have a slot. The views behind other tabs (timeline, checks,
// sequence diagram) are mounted alone when their tab is first shown — their mount functions take
// `state` — so their code is not fetched with the page.
import './inspect.css';
import type { LessonPayload } from '../lesson-data.ts';
import type { LessonSession } from '../session/session-types.ts';
import { mountCookieView, type CookieView } from './cookie-view.ts';
import type { Translate } from './dom.ts';
import type { Progress } from '../../components/progress.ts';
import { mountRequestPanel, type RequestPanel } from './request-panel.ts';
import { createInspectState, type InspectState } from './state.ts';
import { mountStoreView, type StoreView } from './store-view.ts';

export { createInspectState, type InspectState } from './state.ts';
export { mountRequestPanel, type RequestPanel } from './request-panel.ts';
export { mountCookieView, type CookieView } from './cookie-view.ts';
export { mountStoreView, type StoreView } from './store-view.ts';

export interface InspectorSlots {
  readonly request?: HTMLElement | null;
  readonly cookie?: HTMLElement | null;
  readonly store?: HTMLElement | null;
}

export interface InspectorDeps {
  readonly t: Translate;
  readonly session: LessonSession;
  readonly payload: () => LessonPayload;
  /** Done steps and the last place (one per page: the outline decoration shares it). */
  readonly progress: Progress;
  /** Restart as the Run button does it (the request panel offers it for a stuck server). */
  readonly onRestart?: () => void;
}

export interface Inspector {
  readonly state: InspectState;
  readonly request: RequestPanel | null;
  readonly cookie: CookieView | null;
  readonly store: StoreView | null;
  /** The page shows another step of the same lesson (its routes, its checks; remembered as visited). */
  stepChanged(): void;
  /** Another lesson: empty timeline, stores and jars, then as stepChanged. */
  lessonChanged(): Promise<void>;
  dispose(): void;
}

export function mountInspector(slots: InspectorSlots, deps: InspectorDeps): Inspector {
  const { t, session, payload, progress } = deps;
  const state = createInspectState({ session });
  const common = { t, session, payload, state };
  const request = slots.request ? mountRequestPanel(slots.request, { ...common, ...(deps.onRestart ? { onRestart: deps.onRestart } : {}) }) : null;
  const cookie = slots.cookie ? mountCookieView(slots.cookie, common) : null;
  const store = slots.store ? mountStoreView(slots.store, common) : null;

  const visit = () => {
    const p = payload();
    progress.visit(p.lang, p.lesson, p.step, { hasChecks: p.checks.length > 0 });
  };
  visit();

  const stepChanged = (newLesson = false) => {
    visit();
    request?.routesChanged(newLesson);
  };

  return {
    state,
    request,
    cookie,
    store,
    stepChanged: () => stepChanged(),
    async lessonChanged() {
      await state.reset();
      stepChanged(true);
    },
    dispose() {
      store?.dispose();
      cookie?.dispose();
      request?.dispose();
      state.dispose();
    },
  };
}
