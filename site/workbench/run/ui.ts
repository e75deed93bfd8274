// What the run panels share: the translate function's shape, a tiny element builder, and the
// sentences built from the session's state (status line, where the server failed). A failure's
// own sentence (errorText) is in session/session-text.ts, since the inspector says it too. No
// strings here that do not come from t().
import type { RuntimeKind } from '../../runtime/types.ts';
import type { Translate } from '../../i18n/translate.ts';
import type { ProbeErrorEvent, SessionState } from '../session/session-types.ts';
import './run.css';

export type { Translate } from '../../i18n/translate.ts';

export { el } from '../dom.ts';

/** A text with one `{{name}}` replaced by an element (e.g. a command in <code>). */
export function withElement(t: Translate, key: string, name: string, element: Node, values: Record<string, unknown> = {}): DocumentFragment {
  const MARK = '\u2063';
  const fragment = document.createDocumentFragment();
  const parts = t(key, { ...values, [name]: MARK }).split(MARK);
  parts.forEach((part, index) => {
    if (index > 0) fragment.append(element.cloneNode(true));
    if (part) fragment.append(part);
  });
  return fragment;
}

export const runtimeLabel = (t: Translate, kind: RuntimeKind | null): string =>
  kind === null ? t('run.runtime.none') : t(`run.runtime.${kind}`);

export const phaseLabel = (t: Translate, state: SessionState): string =>
  state.phase === 'running' && state.port !== undefined ? t('run.phase.running', { port: state.port }) : t(`run.phase.${state.phase}`);

/** "Local runner · running on port 34567" */
export const statusLine = (t: Translate, state: SessionState): string =>
  state.phase === 'readonly' || (state.phase === 'idle' && state.runtime === null)
    ? phaseLabel(t, state)
    : t('run.status.line', { runtime: runtimeLabel(t, state.runtime), phase: phaseLabel(t, state) });

/** Where the learner's code failed: "server.js, line 12: Unexpected token" (or just the message). */
export function crashText(t: Translate, error: ProbeErrorEvent): string {
  if (error.kind === 'portInUse' && error.port !== undefined) return t('run.crash.portInUse', { port: error.port });
  if (error.kind === 'outOfMemory') return error.limitMb === undefined ? t('fault.outOfMemoryNoLimit') : t('fault.outOfMemory', { mb: error.limitMb });
  if (error.file && error.line !== undefined) {
    return t('run.crash.where', { file: error.file, line: error.line, column: error.column ?? 1, message: error.message });
  }
  return t('run.crash.whereNoPlace', { message: error.message });
}
