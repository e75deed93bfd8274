// Run/Restart, Stop, and the runtime setting (auto, local runner, WebContainer, read-only), saved
// in localStorage and applied at once through session.retry(). The setting is a group of radio
// items in the workbench's "More actions" menu (the page's markup gives the group).
import { RUNTIME_PREFERENCES } from '../../runtime/choose.ts';
import { readPreference, writePreference, isRuntimePreference } from '../session/preference.ts';
import type { LessonSession, RuntimePreference, SessionState } from '../session/session-types.ts';
import { el, type Translate } from './ui.ts';


export interface RunControlsDeps {
  readonly t: Translate;
  readonly session: LessonSession;
  /** Run/Restart pressed (e.g. flush pending edits, then `session.restart()`). Default: `session.restart()`.
   * After a failure the button retries instead (`session.retry()`); a suspended tab resumes. */
  readonly onRun?: () => void | Promise<void>;
}

export interface RunControls {
  dispose(): void;
}

export function mountRunControls(container: HTMLElement, deps: RunControlsDeps): RunControls {
  const { t, session } = deps;
  // Every label the button can have, stacked: it is as wide as the widest from the start, so the
  // tools beside it never move when "Run" becomes "Restart" (only the shown one is read out).
  const RUN_LABELS = ['run.controls.run', 'run.controls.restart', 'run.controls.retry', 'run.controls.resume'] as const;
  const labels = new Map(RUN_LABELS.map((key) => [key, el('span', { class: 'run-label' }, t(key))]));
  const run = el('button', { type: 'button', class: 'run-primary', 'data-action': 'run' }, ...labels.values());
  const stop = el('button', { type: 'button', 'data-action': 'stop' }, t('run.controls.stop'));
  const root = el('div', { class: 'run-controls', role: 'group', 'aria-label': t('run.controls.label') }, run, stop);
  container.replaceChildren(root);

  const busy = async (button: HTMLButtonElement, action: () => void | Promise<void>) => {
    button.setAttribute('aria-busy', 'true');
    try {
      await action();
    } finally {
      button.removeAttribute('aria-busy');
    }
  };

  run.addEventListener('click', () => {
    const phase = session.state().phase;
    void busy(run, () => {
      if (phase === 'failed') return session.retry();
      if (phase === 'suspended') return session.resume();
      return deps.onRun ? deps.onRun() : session.restart();
    });
  });
  stop.addEventListener('click', () => void busy(stop, () => session.stop()));

  const render = (state: SessionState) => {
    const live = state.phase === 'running' || state.phase === 'starting' || state.phase === 'crashed' || state.phase === 'busy';
    const key = live ? 'run.controls.restart' : state.phase === 'failed' ? 'run.controls.retry' : state.phase === 'suspended' ? 'run.controls.resume' : 'run.controls.run';
    for (const [which, label] of labels) label.toggleAttribute('data-shown', which === key);
    run.disabled = state.phase === 'readonly' || state.phase === 'booting' || state.phase === 'idle';
    stop.disabled = !(state.phase === 'running' || state.phase === 'starting' || state.phase === 'busy');
  };
  render(session.state());
  const unsubscribe = session.onState(render);
  return {
    dispose() {
      unsubscribe();
      root.remove();
    },
  };
}

export interface RuntimeChoice {
  dispose(): void;
}

/**
 * The runtime setting as menu radio items (role="menuitemradio", aria-checked), in `group` (a
 * role="group" of the menu). Choosing one saves it and applies it at once; the checked one
 * follows the session's preference.
 */
export function mountRuntimeChoice(group: HTMLElement, deps: Pick<RunControlsDeps, 't' | 'session'>): RuntimeChoice {
  const { t, session } = deps;
  const items = RUNTIME_PREFERENCES.map((preference) => {
    const item = el('button', { type: 'button', role: 'menuitemradio', tabindex: '-1', 'aria-checked': 'false', 'data-preference': preference }, t(`run.preference.${preference}`));
    item.addEventListener('click', () => {
      if (!isRuntimePreference(preference)) return;
      writePreference(preference);
      check(preference);
      void session.retry(preference);
    });
    return item;
  });
  group.replaceChildren(...items);
  const check = (preference: RuntimePreference) => {
    for (const item of items) item.setAttribute('aria-checked', String(item.dataset.preference === preference));
  };
  check(readPreference());
  const unsubscribe = session.onState((state) => check(state.preference));
  return {
    dispose() {
      unsubscribe();
      group.replaceChildren();
    },
  };
}
