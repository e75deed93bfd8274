// "Check my work": runs the step's checks against the learner's running server (host `check`)
// and shows each as passed or failed, in the learner's language (the lesson's messages), with a
// hint and what was expected beside what happened. A step whose checks all pass is done.
import type { CheckResult } from '../../../lab/protocol/checks.ts';
import type { LessonPayload } from '../lesson-data.ts';
import { sessionError } from '../session/session-error.ts';
import type { LessonSession, SessionState } from '../session/session-types.ts';
import { errorText } from '../session/session-text.ts';
import { detailRows, detailWhere } from './checks-format.ts';
import { el, panel, type Translate } from './dom.ts';
import type { Progress } from '../../components/progress.ts';
import type { InspectState } from './state.ts';

export interface ChecksPanelDeps {
  readonly t: Translate;
  readonly session: LessonSession;
  readonly payload: () => LessonPayload;
  readonly state: InspectState;
  /** Where done steps are kept (the outline reads it too). */
  readonly progress: Progress;
  /** The step's checks all passed (after progress was updated): e.g. refresh the outline. */
  readonly onDone?: (lesson: string, step: string) => void;
}

export interface ChecksPanel {
  /** Runs the checks (what the button does). */
  run(): Promise<CheckResult[] | null>;
  /** The page moved to another step: its checks, its done mark; old results go. */
  stepChanged(): void;
  dispose(): void;
}

/** A lesson message in the learner's language, or its key when the lesson lacks it. */
export const lessonMessage = (payload: LessonPayload, key: string) => payload.messages[key] ?? key;

export function mountChecks(container: HTMLElement, deps: ChecksPanelDeps): ChecksPanel {
  const { t, state, session, progress } = deps;
  const { root } = panel(t, 'inspect.checks.title', 'inspect-checks');
  const intro = el('p', { class: 'inspect-muted' });
  const button = el('button', { type: 'button', class: 'inspect-run-checks run-primary' }, t('inspect.checks.run'));
  const doneMark = el('p', { class: 'inspect-done', 'data-done': 'true', hidden: true }, t('inspect.checks.stepDone'));
  const status = el('p', { class: 'inspect-status', role: 'status' });
  const results = el('ol', { class: 'inspect-check-results', 'aria-label': t('inspect.checks.results') });
  root.append(intro, el('div', { class: 'inspect-checks-actions' }, button, doneMark), status, results);
  container.replaceChildren(root);

  let generation = 0;
  const running = () => button.getAttribute('aria-busy') === 'true';

  const refresh = (phase: SessionState['phase'] = session.state().phase) => {
    const payload = deps.payload();
    const count = payload.checks.length;
    intro.textContent = count === 0 ? t('inspect.checks.none') : phase === 'running' ? t('inspect.checks.intro', { count }) : t('inspect.checks.needsServer', { count });
    button.hidden = count === 0;
    button.disabled = running() || phase !== 'running';
    doneMark.hidden = !progress.isDone(payload.lesson, payload.step);
  };

  const resultItem = (payload: LessonPayload, result: CheckResult) => {
    const item = el(
      'li',
      { class: 'inspect-check', 'data-passed': String(result.passed), 'data-check-id': result.id },
      el('span', { class: 'inspect-check-verdict' }, t(result.passed ? 'inspect.checks.passed' : 'inspect.checks.failed')),
      ' ',
      el('span', { class: 'inspect-check-message' }, lessonMessage(payload, result.message)),
    );
    if (!result.passed && result.hint) {
      item.append(el('p', { class: 'inspect-check-hint' }, el('strong', {}, t('inspect.checks.hint')), ' ', lessonMessage(payload, result.hint)));
    }
    if (!result.passed && result.detail) {
      const rows = detailRows(t, result.detail);
      item.append(
        el(
          'table',
          { class: 'inspect-check-detail' },
          el('caption', {}, detailWhere(t, result.detail)),
          el(
            'thead',
            {},
            el('tr', {}, el('th', { scope: 'col' }, t('inspect.checks.fieldColumn')), el('th', { scope: 'col' }, t('inspect.checks.expected')), el('th', { scope: 'col' }, t('inspect.checks.actual'))),
          ),
          el(
            'tbody',
            {},
            ...rows.map((row) =>
              el(
                'tr',
                { 'data-field': row.field },
                el('th', { scope: 'row' }, row.label),
                el('td', {}, el('pre', {}, el('code', {}, row.expected))),
                el('td', {}, el('pre', {}, el('code', {}, row.actual))),
              ),
            ),
          ),
        ),
      );
    }
    return item;
  };

  const run = async (): Promise<CheckResult[] | null> => {
    const payload = deps.payload();
    if (payload.checks.length === 0 || running()) return null;
    const mine = ++generation;
    button.setAttribute('aria-busy', 'true');
    button.disabled = true;
    status.textContent = t('inspect.checks.running');
    results.replaceChildren();
    try {
      const list = await state.runChecks(payload.checks);
      if (mine !== generation) return list;
      results.replaceChildren(...list.map((result) => resultItem(payload, result)));
      const passed = list.filter((result) => result.passed).length;
      const all = passed === list.length && list.length > 0;
      if (all) {
        progress.markDone(payload.lesson, payload.step);
        deps.onDone?.(payload.lesson, payload.step);
      }
      status.textContent = all ? t('inspect.checks.allPassed', { count: list.length }) : t('inspect.checks.someFailed', { failed: list.length - passed, count: list.length });
      return list;
    } catch (error) {
      if (mine === generation) status.textContent = errorText(t, sessionError(error));
      return null;
    } finally {
      if (mine === generation) {
        button.removeAttribute('aria-busy');
        refresh();
      }
    }
  };
  button.addEventListener('click', () => void run());

  const unsubscribe = [session.onState((s) => refresh(s.phase)), progress.onChange(() => refresh())];
  refresh();
  return {
    run,
    stepChanged() {
      generation += 1;
      button.removeAttribute('aria-busy');
      results.replaceChildren();
      status.textContent = '';
      refresh();
    },
    dispose() {
      generation += 1;
      unsubscribe.forEach((off) => off());
      root.remove();
    },
  };
}
