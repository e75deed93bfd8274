// Run/Restart, Stop, and the runtime setting (auto, local runner, WebContainer, read-only), saved
// in localStorage and applied at once through session.retry().
import { RUNTIME_PREFERENCES } from '../../runtime/choose.ts';
import { readPreference, writePreference, isRuntimePreference } from './preference.ts';
import type { LessonSession, RuntimePreference, SessionState } from './session-types.ts';
import { el, type Translate } from './ui.ts';

export { readPreference, writePreference, RUNTIME_PREFERENCE_KEY } from './preference.ts';

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
  const run = el('button', { type: 'button', class: 'run-primary', 'data-action': 'run' });
  const stop = el('button', { type: 'button', 'data-action': 'stop' }, t('run.controls.stop'));
  const select = el(
    'select',
    { 'data-action': 'runtime' },
    ...RUNTIME_PREFERENCES.map((preference) => el('option', { value: preference }, t(`run.preference.${preference}`))),
  );
  // The label wraps the select: its accessible name, with no id to keep unique.
  const setting = el('label', { class: 'run-setting' }, el('span', { class: 'run-setting-label' }, t('run.controls.runtime')), select);
  const root = el(
    'div',
    { class: 'run-controls', role: 'group', 'aria-label': t('run.controls.label') },
    run,
    stop,
    setting,
  );
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
  select.addEventListener('change', () => {
    const value = select.value;
    if (!isRuntimePreference(value)) return;
    writePreference(value);
    void session.retry(value);
  });

  const render = (state: SessionState) => {
    const live = state.phase === 'running' || state.phase === 'starting' || state.phase === 'crashed' || state.phase === 'busy';
    const text = t(
      live ? 'run.controls.restart' : state.phase === 'failed' ? 'run.controls.retry' : state.phase === 'suspended' ? 'run.controls.resume' : 'run.controls.run',
    );
    if (run.textContent !== text) run.textContent = text;
    run.disabled = state.phase === 'readonly' || state.phase === 'booting' || state.phase === 'idle';
    stop.disabled = !(state.phase === 'running' || state.phase === 'starting' || state.phase === 'busy');
    const preference: RuntimePreference = state.preference;
    if (select.value !== preference && document.activeElement !== select) select.value = preference;
  };
  select.value = readPreference();
  render(session.state());
  const unsubscribe = session.onState(render);
  return {
    dispose() {
      unsubscribe();
      root.remove();
    },
  };
}
