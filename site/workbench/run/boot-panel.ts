// The boot panel: the named start-up steps with a progress bar each, in the learner's language;
// on failure, what went wrong and the ways forward (try again, the local runner, read-only mode,
// what a WebContainer needs). Once the server runs only a compact status line stays.
// Built once; each state change updates text and visibility (a focused button is never replaced
// unless the message itself changes).
import { BOOT_STEPS, type BootStep } from '../../runtime/types.ts';
import { createBusyNote } from './busy-note.ts';
import { SLOW_BOOT_MS } from '../../runtime/webcontainer.ts';
import { HOST_FEATURES } from '../../../lab/protocol/host.ts';
import { writePreference } from '../session/preference.ts';
import type { LessonSession, RuntimePreference, SessionState } from '../session/session-types.ts';
import { errorText } from '../session/session-text.ts';
import { crashText, el, statusLine, withElement, type Translate } from './ui.ts';

/** Where WebContainers' requirements are explained (browser support, cross-origin isolation). */
export const WEBCONTAINER_REQUIREMENTS_URL = 'https://webcontainers.io/guides/browser-support';

/** A step that takes longer than this shows how long it has been going (a WebContainer's boot,
 * a slow network: up to a minute), so a learner sees it is alive. */
const SHOW_ELAPSED_AFTER_MS = 3_000;

export interface BootPanelDeps {
  readonly t: Translate;
  readonly session: LessonSession;
  /** The learner picked a runtime here (saved to the settings first). Default: `session.retry(preference)`. */
  readonly onChooseRuntime?: (preference: RuntimePreference) => void;
  /** Restart offered in a message (a busy server), as the Run button does it. Default: `session.restart()`. */
  readonly onRestart?: () => void;
}

export interface BootPanel {
  dispose(): void;
}

export function mountBootPanel(container: HTMLElement, deps: BootPanelDeps): BootPanel {
  const { t, session } = deps;
  const choose = (preference: RuntimePreference) => {
    writePreference(preference);
    if (deps.onChooseRuntime) deps.onChooseRuntime(preference);
    else void session.retry(preference);
  };

  const status = el('p', { class: 'run-status' });
  const rows = new Map<BootStep, { row: HTMLLIElement; bar: HTMLProgressElement; label: HTMLSpanElement; elapsed: HTMLSpanElement }>();
  const list = el('ol', { class: 'run-steps' });
  for (const step of BOOT_STEPS) {
    const name = t(`runtime.step.${step}`);
    const bar = el('progress', { max: 100, value: 0, 'aria-label': name });
    const label = el('span', { class: 'run-step-state' });
    // Hidden from screen readers: the panel is a live region, and a count every second would be noise.
    const elapsed = el('span', { class: 'run-step-elapsed', 'aria-hidden': 'true' });
    const row = el('li', { class: 'run-step', 'data-step': step }, el('span', { class: 'run-step-name' }, name), bar, el('span', {}, label, elapsed));
    rows.set(step, { row, bar, label, elapsed });
    list.append(row);
  }
  const message = el('div', { class: 'run-message' });
  /** A boot that resumes a tab the local runner paused says so above its steps. */
  const resumedNote = el('p', { class: 'run-help run-resumed', hidden: true }, t('run.boot.resuming'));
  const body = el('div', { class: 'run-boot-body' }, resumedNote, list, message);
  /** The runtime wanted first failed and another runs: said once, under the status line. */
  const fallbackNote = el('div', { class: 'run-fallback', 'data-fallback': '', hidden: true });
  /** Node features the host found missing in this runtime (a WebContainer's own Node): said once. */
  const featuresNote = el('div', { class: 'run-fallback', 'data-features': '', hidden: true });
  const root = el('section', { class: 'run-boot', 'aria-label': t('run.boot.region'), 'aria-live': 'polite' }, status, fallbackNote, featuresNote, body);
  container.replaceChildren(root);

  const busy = createBusyNote(t, { restart: () => (deps.onRestart ? deps.onRestart() : void session.restart()), stop: () => void session.stop() });
  let shownMessage = '';
  let shownFallback = '';
  let shownFeatures = '';
  /** Since when a WebContainer has been starting: after SLOW_BOOT_MS the alternatives are offered
   * while it goes on (it is only declared failed on an error or at its much longer limit). */
  let startingSince: number | null = null;
  const slowStart = () => startingSince !== null && Date.now() - startingSince >= SLOW_BOOT_MS;
  let shownSlow = false;
  /** When each step in progress started, for the elapsed time. */
  const activeSince = new Map<BootStep, number>();
  let ticker: ReturnType<typeof setInterval> | null = null;
  const showElapsed = () => {
    const at = Date.now();
    for (const [step, { elapsed }] of rows) {
      const since = activeSince.get(step);
      const ms = since === undefined ? 0 : at - since;
      const text = ms >= SHOW_ELAPSED_AFTER_MS ? t('run.boot.elapsed', { seconds: Math.floor(ms / 1000) }) : '';
      if (elapsed.textContent !== text) elapsed.textContent = text;
    }
    busy.tick();
  };

  const button = (label: string, onClick: () => void, primary = false) => {
    const node = el('button', { type: 'button', class: primary ? 'run-primary' : null }, label);
    node.addEventListener('click', onClick);
    return node;
  };
  const localHelp = () =>
    el('p', { class: 'run-help' }, withElement(t, 'run.boot.useLocalHelp', 'command', el('code', {}, 'npm start')));
  const requirements = () =>
    el(
      'p',
      { class: 'run-help' },
      t('run.boot.requirementsHelp'),
      ' ',
      el('a', { href: WEBCONTAINER_REQUIREMENTS_URL, target: '_blank', rel: 'noopener noreferrer' }, t('run.boot.requirements')),
    );
  const reasonList = (state: SessionState, except: string[]) => {
    const reasons = (state.reasons ?? []).filter((reason) => !except.includes(reason.key));
    if (reasons.length === 0) return null;
    return el(
      'div',
      { class: 'run-reasons' },
      el('p', {}, t('run.boot.reasons')),
      el('ul', {}, ...reasons.map((reason) => el('li', {}, errorText(t, reason)))),
    );
  };

  const renderMessage = (state: SessionState) => {
    const slow = slowStart();
    shownSlow = slow;
    const signature = JSON.stringify([state.phase, state.error, state.reasons, state.lastError?.message, state.lastError?.line, slow]);
    if (signature === shownMessage) return;
    shownMessage = signature;
    const parts: (Node | null)[] = [];
    if (slow) {
      parts.push(
        el('p', { class: 'run-message-title' }, t('run.slow.title')),
        el('p', {}, t('run.slow.body')),
        el('div', { class: 'run-actions' }, button(t('run.boot.useLocal'), () => choose('local')), button(t('run.boot.useReadonly'), () => choose('readonly'))),
        localHelp(),
      );
    } else if (state.phase === 'failed') {
      const failed = state.steps.find((entry) => entry.status === 'failed');
      parts.push(
        el('p', { class: 'run-message-title' }, t('run.boot.failedTitle')),
        state.error ? el('p', {}, errorText(t, state.error)) : null,
        failed ? el('p', { class: 'run-help' }, t('run.boot.failedStep', { step: t(`runtime.step.${failed.step}`) })) : null,
        reasonList(state, state.error ? [state.error.key] : []),
        el(
          'div',
          { class: 'run-actions' },
          button(t('run.boot.tryAgain'), () => void session.retry(), true),
          button(t('run.boot.useLocal'), () => choose('local')),
          button(t('run.boot.useReadonly'), () => choose('readonly')),
        ),
        localHelp(),
        requirements(),
      );
    } else if (state.phase === 'readonly') {
      const chosen = state.reasons?.some((reason) => reason.key === 'runtime.reason.readonlyChosen') ?? false;
      parts.push(
        el('p', { class: 'run-message-title' }, t('run.boot.readonlyTitle')),
        el('p', {}, t(chosen ? 'run.boot.readonlyChosenBody' : 'run.boot.readonlyBody')),
        reasonList(state, ['runtime.reason.readonlyChosen']),
        el(
          'div',
          { class: 'run-actions' },
          button(t(chosen ? 'run.boot.useAuto' : 'run.boot.tryAgain'), () => (chosen ? choose('auto') : void session.retry()), true),
          button(t('run.boot.useLocal'), () => choose('local')),
        ),
        localHelp(),
        requirements(),
      );
    } else if (state.phase === 'suspended') {
      parts.push(
        el('p', { class: 'run-message-title' }, t('run.boot.suspendedTitle')),
        state.error ? el('p', {}, errorText(t, state.error)) : null,
        el('div', { class: 'run-actions' }, button(t('run.boot.resume'), () => void session.resume(), true)),
      );
    } else if (state.phase === 'busy') {
      busy.show(state.busy?.since ?? Date.now());
      parts.push(busy.node);
    } else if (state.phase === 'crashed') {
      const code = state.error?.detail?.code;
      parts.push(
        el('p', { class: 'run-message-title' }, t('run.crash.title')),
        state.lastError ? el('p', { class: 'run-crash-where' }, crashText(t, state.lastError)) : state.error ? el('p', {}, errorText(t, state.error)) : null,
        typeof code === 'number' ? el('p', { class: 'run-help' }, t('run.crash.exitCode', { code })) : null,
        el('p', { class: 'run-help' }, t('run.crash.hint')),
      );
    }
    message.replaceChildren(...parts.filter((part): part is Node => part !== null));
    message.hidden = parts.length === 0;
  };

  const renderFallback = (state: SessionState) => {
    // The session keeps `fallback` only while the other runtime is up; a failure says more itself.
    const fallback = state.phase === 'failed' ? undefined : state.fallback;
    // Only when the learner asked for that runtime does a button ask for it again (auto chooses by itself).
    const again = fallback !== undefined && state.preference === fallback.from;
    const signature = fallback ? JSON.stringify([fallback, again]) : '';
    if (signature === shownFallback) return;
    shownFallback = signature;
    fallbackNote.hidden = !fallback;
    if (!fallback) return fallbackNote.replaceChildren();
    fallbackNote.replaceChildren(
      el('p', { class: 'run-help' }, t(`run.boot.fellBack.${fallback.from}`)),
      el('details', {}, el('summary', {}, t('run.boot.fallbackWhy')), el('p', {}, errorText(t, fallback.error))),
      ...(again ? [button(t(`run.boot.retryWanted.${fallback.from}`), () => void session.retry())] : []),
    );
  };

  const renderFeatures = (state: SessionState) => {
    const found = state.phase === 'failed' ? undefined : state.hostFeatures?.features;
    const missing = found ? HOST_FEATURES.filter((name) => !found[name]) : [];
    const signature = missing.join(' ');
    if (signature === shownFeatures) return;
    shownFeatures = signature;
    featuresNote.hidden = missing.length === 0;
    featuresNote.replaceChildren(
      ...(missing.length === 0
        ? []
        : [
            el('p', { class: 'run-help' }, t('run.features.note')),
            el('details', {}, el('summary', {}, t('run.boot.fallbackWhy')), el('ul', {}, ...missing.map((name) => el('li', { 'data-feature': name }, t(`run.features.${name}`))))),
          ]),
    );
  };

  const render = (state: SessionState) => {
    const startingWebContainer = state.phase === 'booting' && state.runtime === 'webcontainer';
    if (!startingWebContainer) startingSince = null;
    else startingSince ??= Date.now();
    status.textContent = statusLine(t, state);
    status.dataset.phase = state.phase;
    root.dataset.phase = state.phase;

    const booting = state.steps.some((entry) => entry.status !== 'done');
    const showSteps =
      state.runtime !== null && booting && ['booting', 'starting', 'busy', 'failed', 'crashed'].includes(state.phase) && state.steps.some((s) => s.status !== 'pending');
    list.hidden = !showSteps;
    resumedNote.hidden = !showSteps || state.resumed !== true;
    for (const entry of state.steps) {
      const row = rows.get(entry.step);
      if (!row) continue;
      const percent = Math.round(entry.progress * 100);
      if (row.bar.value !== percent) row.bar.value = percent;
      row.row.dataset.status = entry.status;
      const text = t(`run.boot.stepStatus.${entry.status}`);
      if (row.label.textContent !== text) row.label.textContent = text;
      if (entry.status !== 'active' || list.hidden) activeSince.delete(entry.step);
      else if (!activeSince.has(entry.step)) activeSince.set(entry.step, Date.now());
    }
    showElapsed();
    // A clock only while a step is in progress on screen, or the server is busy (its seconds count).
    const clock = activeSince.size > 0 || state.phase === 'busy';
    if (clock && ticker === null) ticker = setInterval(tick, 1000);
    else if (!clock && ticker !== null) {
      clearInterval(ticker);
      ticker = null;
    }
    renderMessage(state);
    renderFallback(state);
    renderFeatures(state);
    body.hidden = list.hidden && message.hidden;
    // The steps float over the code while the runtime starts (a second or two) rather than
    // pushing the workbench down and back up; a message (a failure, read-only) takes its place.
    body.toggleAttribute('data-floating', list.hidden === false && message.hidden === true);
  };

  /** Every second while a step runs: its seconds, and the slow start's offer when it is time. */
  const tick = () => {
    showElapsed();
    if (slowStart() !== shownSlow) render(session.state());
  };

  render(session.state());
  const unsubscribe = session.onState(render);
  return {
    dispose() {
      unsubscribe();
      if (ticker !== null) clearInterval(ticker);
      root.remove();
    },
  };
}
