// The timeline: every request in order — from the request panel, the preview, the checks and the
// terminal alike — with method, path, status, which browser, the session cookie sent and set, and
// the store operations it caused; open one to see it whole. Server starts and crashes mark where
// they happened; with several server instances each entry says which one.
import type { LessonPayload } from '../lesson-data.ts';
import type { LessonSession } from '../session/session-types.ts';
import { shortId } from './cookie-decode.ts';
import { browserLabel, clockTime, el, panel, type Translate } from './dom.ts';
import { renderHop } from './exchange-view.ts';
import type { InspectState } from './state.ts';
import { sentCookie, setCookies, type RequestEntry, type TimelineEntry } from './timeline.ts';

export interface TimelineViewDeps {
  readonly t: Translate;
  readonly session: LessonSession;
  readonly payload: () => LessonPayload;
  readonly state: InspectState;
}

export interface TimelineView {
  clear(): void;
  dispose(): void;
}

export function mountTimeline(container: HTMLElement, deps: TimelineViewDeps): TimelineView {
  const { t, state } = deps;
  const { root, heading } = panel(t, 'inspect.timeline.title', 'inspect-timeline');
  const clearButton = el('button', { type: 'button', class: 'inspect-timeline-clear' }, t('inspect.timeline.clear'));
  const header = el('div', { class: 'inspect-panel-head' }, heading, clearButton);
  const empty = el('p', { class: 'inspect-muted' }, t('inspect.timeline.empty'));
  const list = el('ol', { class: 'inspect-timeline-list', 'aria-label': t('inspect.timeline.list') });
  root.replaceChildren(header, empty, list);
  container.replaceChildren(root);

  const items = new Map<string, HTMLLIElement>();
  const lang = () => deps.payload().lang;
  const many = () => state.instances().length > 1;

  const summaryParts = (entry: RequestEntry): (Node | string)[] => {
    const parts: (Node | string)[] = [
      el('span', { class: 'inspect-time' }, clockTime(lang(), entry.time)),
      el('span', { class: 'inspect-badge', 'data-browser': entry.browser }, browserLabel(t, entry.browser)),
    ];
    if (entry.source === 'check') parts.push(el('span', { class: 'inspect-badge inspect-badge-check' }, t('inspect.timeline.fromCheck')));
    if (many()) parts.push(el('span', { class: 'inspect-badge' }, entry.instance));
    parts.push(el('code', { class: 'inspect-request-line' }, `${entry.method} ${entry.path}`));
    const status = entry.error
      ? t(`inspect.request.failure.${entry.error.key}`)
      : entry.response
        ? String(entry.response.status)
        : t('inspect.timeline.waiting');
    parts.push(el('span', { class: 'inspect-status-code', 'data-status': entry.response?.status ?? '' }, status));
    const sent = sentCookie(entry, state.sessionCookieName());
    parts.push(
      el(
        'span',
        { class: 'inspect-cookie-sent', 'data-sent': String(sent !== null) },
        sent ? t('inspect.timeline.sent', { id: shortId(sent.sessionId ?? sent.name) }) : t('inspect.timeline.sentNone'),
      ),
    );
    const set = setCookies(entry);
    if (set.length > 0) {
      parts.push(
        el(
          'span',
          { class: 'inspect-cookie-set' },
          set.map((c) => (c.cleared ? t('inspect.timeline.cleared', { name: c.name }) : t('inspect.timeline.set', { id: shortId(c.sessionId ?? c.name) }))).join(', '),
        ),
      );
    }
    if (entry.store.length > 0) {
      parts.push(el('span', { class: 'inspect-store-ops' }, t('inspect.timeline.store', { ops: entry.store.map((op) => op.op).join(', ') })));
    }
    // Spaces between the parts: the summary's text (and its accessible name) reads as words.
    return parts.flatMap((part, i) => (i === 0 ? [part] : [' ', part]));
  };

  const definition = (term: string, ...description: (Node | string)[]) => [el('dt', {}, term), el('dd', {}, ...description)];
  const code = (text: string) => el('code', {}, text);
  const none = () => el('span', { class: 'inspect-muted' }, t('inspect.timeline.nothing'));

  /** The whole entry: what the probe saw, the store operations, and the exchange when we sent it. */
  const detail = (entry: RequestEntry): HTMLElement => {
    const root = el(
      'div',
      { class: 'inspect-timeline-detail' },
      el(
        'dl',
        {},
        ...definition(t('inspect.timeline.field.browser'), browserLabel(t, entry.browser)),
        ...definition(t('inspect.timeline.field.instance'), code(entry.instance)),
        ...definition(t('inspect.timeline.field.request'), code(`${entry.method} ${entry.path}`)),
        ...definition(t('inspect.timeline.field.status'), entry.response ? code(String(entry.response.status)) : none()),
        ...(entry.response?.location ? definition(t('inspect.timeline.field.location'), code(entry.response.location)) : []),
        ...definition(t('inspect.timeline.field.cookie'), entry.cookie ? code(entry.cookie) : none()),
        ...definition(
          t('inspect.timeline.field.setCookie'),
          ...(entry.response?.setCookie.length ? entry.response.setCookie.map((raw) => el('code', { class: 'inspect-block' }, raw)) : [none()]),
        ),
        ...definition(t('inspect.timeline.field.session'), entry.response?.sessionId ? code(entry.response.sessionId) : none()),
        ...(entry.response?.aborted ? definition(t('inspect.timeline.field.aborted'), t('inspect.timeline.abortedText')) : []),
      ),
      el('h5', {}, t('inspect.timeline.field.store')),
      entry.store.length === 0
        ? el('p', { class: 'inspect-muted' }, t('inspect.timeline.noStore'))
        : el(
            'ol',
            { class: 'inspect-store-op-list' },
            ...entry.store.map((op) =>
              el(
                'li',
                {},
                code(op.op),
                ' ',
                op.sessionId ? code(op.sessionId) : '',
                op.previousSessionId ? ` ${t('inspect.timeline.replaces', { id: op.previousSessionId })}` : '',
                op.found === undefined ? '' : ` ${t(op.found ? 'inspect.timeline.found' : 'inspect.timeline.notFound')}`,
                op.error ? ` ${t('inspect.store.opError', { message: op.error })}` : '',
                ` ${t('inspect.timeline.sessionsAfter', { count: op.sessions })}`,
              ),
            ),
          ),
    );
    if (entry.hop) root.append(renderHop(t, entry.hop, { open: true, ...(entry.error ? { error: entry.error } : {}) }));
    return root;
  };

  const requestItem = (entry: RequestEntry, open: boolean) => {
    const details = el('details', { class: 'inspect-timeline-entry', open }, el('summary', {}, ...summaryParts(entry)));
    // Drawn when opened: most entries are never opened.
    const fill = () => {
      if (details.open && details.children.length === 1) details.append(detail(entry));
    };
    details.addEventListener('toggle', fill);
    fill();
    return el(
      'li',
      {
        'data-key': entry.key,
        'data-browser': entry.browser,
        'data-source': entry.source,
        'data-status': entry.response?.status ?? '',
        'data-instance': entry.instance,
      },
      details,
    );
  };

  const serverItem = (entry: TimelineEntry & { kind: 'listening' | 'error' }) =>
    el(
      'li',
      { class: 'inspect-timeline-server', 'data-key': entry.key, 'data-kind': entry.kind, 'data-instance': entry.instance },
      el('span', { class: 'inspect-time' }, clockTime(lang(), entry.time)),
      ' ',
      entry.kind === 'listening'
        ? t(many() ? 'inspect.timeline.listeningInstance' : 'inspect.timeline.listening', { port: entry.port ?? '', instance: entry.instance })
        : t(many() ? 'inspect.timeline.crashedInstance' : 'inspect.timeline.crashed', { message: entry.message ?? '', instance: entry.instance }),
    );

  const itemFor = (entry: TimelineEntry, open = false) => (entry.kind === 'request' ? requestItem(entry, open) : serverItem(entry));

  const nearBottom = () => list.scrollHeight - list.scrollTop - list.clientHeight < 24;

  const onEntry = (entry: TimelineEntry) => {
    const existing = items.get(entry.key);
    if (existing) {
      const wasOpen = existing.querySelector('details')?.open ?? false;
      const next = itemFor(entry, wasOpen);
      existing.replaceWith(next);
      items.set(entry.key, next);
      return;
    }
    const stick = nearBottom();
    const item = itemFor(entry);
    items.set(entry.key, item);
    list.append(item);
    // The model keeps a bounded number of entries: drop the ones it forgot.
    for (const [key, node] of items) {
      if (state.timeline.get(key)) break;
      node.remove();
      items.delete(key);
    }
    empty.hidden = true;
    if (stick) list.scrollTop = list.scrollHeight;
  };

  const redraw = () => {
    items.clear();
    list.replaceChildren();
    const entries = state.timeline.entries();
    for (const entry of entries) {
      const item = itemFor(entry);
      items.set(entry.key, item);
      list.append(item);
    }
    empty.hidden = entries.length > 0;
  };

  clearButton.addEventListener('click', () => {
    state.timeline.clear();
    redraw();
  });

  const unsubscribe = [
    state.onTimeline(onEntry),
    state.on((change) => {
      if (change === 'reset' || change === 'instances') redraw();
    }),
  ];
  redraw();
  return {
    clear() {
      state.timeline.clear();
      redraw();
    },
    dispose() {
      unsubscribe.forEach((off) => off());
      root.remove();
    },
  };
}
