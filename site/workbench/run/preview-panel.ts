// The preview: an address bar (path, Go, Reload, open in a new tab) over an iframe showing the
// running server. It reloads when the server restarts and goes back to "/" on a lesson switch.
// Under a WebContainer the preview is a cross-site frame: SameSite=Lax cookies (the default for
// session cookies) may not stick there, so it says so, and says so louder when it sees it happen
// (the server set a cookie and the preview's next request came without one).
import type { LessonSession, SessionState } from '../session/session-types.ts';
import { errorText } from '../session/session-text.ts';
import { el, type Translate } from './ui.ts';
import { sessionError } from '../session/session-error.ts';
import { normalizePreviewPath } from '../preview-path.ts';

export interface PreviewDeps {
  readonly t: Translate;
  readonly session: LessonSession;
  /** The first path shown (default "/"). */
  readonly path?: string;
  /** Whether the panel starts visible (default true); see PreviewPanel.setVisible. */
  readonly visible?: boolean;
}

export interface PreviewPanel {
  /** Shows this path (when the server runs; else once it does). */
  navigate(path: string): void;
  reload(): void;
  /** A new lesson: back to "/" (the restart that follows reloads). */
  lessonChanged(): void;
  /** The panel was shown or hidden (its tab): a hidden preview loads nothing. */
  setVisible(visible: boolean): void;
  path(): string;
  dispose(): void;
}

/** The preview's base URL and a path, joined (a path never leaves the base's origin). */
export function previewHref(base: string, path: string): string {
  const url = new URL(base);
  const target = new URL(normalizePreviewPath(path), url.origin);
  url.pathname = target.pathname;
  url.search = target.search;
  url.hash = target.hash;
  return url.toString();
}

export function mountPreview(container: HTMLElement, deps: PreviewDeps): PreviewPanel {
  const { t, session } = deps;
  let path = normalizePreviewPath(deps.path ?? '/');
  let base: string | null = null;
  let disposed = false;
  let request = 0;

  const input = el('input', {
    type: 'text',
    class: 'run-preview-path',
    value: path,
    spellcheck: 'false',
    autocomplete: 'off',
    autocapitalize: 'off',
    inputmode: 'url',
  });
  const label = el('label', { class: 'run-preview-label' }, el('span', { class: 'visually-hidden' }, t('run.preview.address')), input);
  const go = el('button', { type: 'submit' }, t('run.preview.go'));
  const reload = el('button', { type: 'button', 'data-action': 'preview-reload' }, t('run.preview.reload'));
  const open = el('a', { class: 'run-preview-open', target: '_blank', rel: 'noopener noreferrer' }, t('run.preview.openTab'));
  const form = el('form', { class: 'run-preview-bar', 'aria-label': t('run.preview.bar') }, label, go, reload, open);
  const crossSite = el('p', { class: 'run-preview-note', hidden: true }, t('run.preview.crossSite'));
  const cookieLost = el('p', { class: 'run-preview-note run-preview-warning', role: 'status', hidden: true }, t('run.preview.cookieDropped'));
  const waiting = el('p', { class: 'run-preview-waiting' }, t('run.preview.waiting'));
  const root = el('div', { class: 'run-preview' }, form, crossSite, cookieLost, waiting);
  // The frame is made when it first shows a page: an iframe is a whole browsing context, which
  // a learner who never opens the Preview tab should not pay for while the page loads.
  let frame: HTMLIFrameElement | null = null;
  const ensureFrame = () => {
    frame ??= root.appendChild(el('iframe', { class: 'run-preview-frame', title: t('run.preview.frameTitle'), src: 'about:blank', hidden: true }));
    return frame;
  };
  container.replaceChildren(root);

  const setEnabled = (enabled: boolean) => {
    go.disabled = !enabled;
    reload.disabled = !enabled;
    if (enabled && base) {
      open.href = previewHref(base, path);
      open.removeAttribute('aria-disabled');
    } else {
      open.removeAttribute('href');
      open.setAttribute('aria-disabled', 'true');
    }
  };

  // The frame loads only while the learner can see it: a hidden preview must not send requests of
  // its own (a route like /set-session would change the store behind the learner's back).
  let visible = deps.visible ?? true;
  let pending = false;
  const show = () => {
    if (!base) return;
    const href = previewHref(base, path);
    open.href = href;
    if (!visible) {
      pending = true;
      return;
    }
    pending = false;
    // Setting src, even to the same URL, loads it again.
    const shown = ensureFrame();
    shown.src = href;
    shown.hidden = false;
    waiting.hidden = true;
  };

  /** Asks the session for the preview URL (the server runs), then shows `path`. */
  const refresh = async () => {
    const mine = ++request;
    try {
      const url = await session.previewUrl();
      if (disposed || mine !== request) return;
      base = url;
      setEnabled(true);
      show();
    } catch (error) {
      if (disposed || mine !== request) return;
      base = null;
      setEnabled(false);
      const state = session.state();
      waiting.textContent = state.phase === 'running' ? errorText(t, sessionError(error)) : t('run.preview.waiting');
      waiting.hidden = false;
    }
  };

  const render = (state: SessionState) => {
    crossSite.hidden = state.runtime !== 'webcontainer';
    // A busy server keeps its preview: it answers again once it turns (or a restart reloads it).
    if (state.phase !== 'running' && state.phase !== 'busy') {
      request += 1; // a refresh in flight is no longer wanted
      base = null;
      setEnabled(false);
      waiting.textContent = t(state.phase === 'readonly' ? 'run.preview.readonly' : 'run.preview.waiting');
      waiting.hidden = false;
      if (frame) {
        frame.hidden = true;
        if (frame.src !== 'about:blank') frame.src = 'about:blank';
      }
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    path = normalizePreviewPath(input.value);
    input.value = path;
    cookieLost.hidden = true;
    if (base) show();
  });
  reload.addEventListener('click', () => {
    if (base) show();
  });

  // The cookie hint: requests without the x-session-lab header are the preview's.
  const previewRequests = new Set<string>();
  let cookieSet = false;
  const unsubscribe = [
    session.onState(render),
    session.onServer((event) => {
      if (event.type === 'listening') {
        cookieSet = false;
        previewRequests.clear();
        void refresh();
      }
    }),
    session.onProbe((event) => {
      if (event.type === 'request' && event.browser === 'preview') {
        previewRequests.add(event.requestId);
        if (cookieSet && !event.cookie) cookieLost.hidden = false;
      } else if (event.type === 'response' && previewRequests.has(event.requestId)) {
        previewRequests.delete(event.requestId);
        if (event.setCookie.length > 0) cookieSet = true;
      }
    }),
  ];

  render(session.state());
  if (session.state().phase === 'running') void refresh();

  return {
    navigate(next) {
      path = normalizePreviewPath(next);
      input.value = path;
      if (base) show();
    },
    reload() {
      if (base) show();
    },
    lessonChanged() {
      path = '/';
      input.value = path;
      cookieLost.hidden = true;
    },
    setVisible(next) {
      visible = next;
      if (visible && pending) show();
    },
    path: () => path,
    dispose() {
      disposed = true;
      unsubscribe.forEach((off) => off());
      root.remove();
    },
  };
}
