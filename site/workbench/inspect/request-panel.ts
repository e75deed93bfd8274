// The request panel: the learner is the browser. Pick a browser (A, B, or one without cookies), a
// method, a path (the lesson's routes offered, any path allowed) and, for POST, form fields; send;
// see the request with its Cookie header and the response hop by hop. The jars sit below.
import type { BrowserId, RequestResult } from '../../../lab/protocol/requests.ts';
import type { LessonPayload, RoutePayload } from '../lesson-data.ts';
import { normalizePreviewPath } from '../preview-path.ts';
import { sessionError } from '../session/session-error.ts';
import type { LessonSession } from '../session/session-types.ts';
import { errorText, secondsIn } from '../session/session-text.ts';
import { el, labelled, panel, uid, type Translate } from './dom.ts';
/** The exchange's rendering (headers, bodies): fetched with the first answer, not with the page. */
const exchangeView = () => import('./exchange-view.ts');
import { mountJars } from './jar-view.ts';
import { BROWSERS, type InspectState } from './state.ts';

export interface RequestPanelDeps {
  readonly t: Translate;
  readonly session: LessonSession;
  readonly payload: () => LessonPayload;
  readonly state: InspectState;
  /** Restart offered when the server is stuck (a busy failure), as the Run button does it. Default: `session.restart()`. */
  readonly onRestart?: () => void;
}

export interface RequestDraft {
  readonly browser?: BrowserId;
  readonly method?: 'GET' | 'POST';
  readonly path?: string;
  readonly form?: Readonly<Record<string, string>>;
}

export interface RequestPanel {
  /** Fills the form (a lesson's text may offer "try this request"). */
  fill(draft: RequestDraft): void;
  /** Sends what the form holds; resolves with the result (null when it could not be sent). */
  send(): Promise<RequestResult | null>;
  /** The step changed: offer its routes (`reset`: a new lesson, so its first route is filled in). */
  routesChanged(reset?: boolean): void;
  dispose(): void;
}

const METHODS = ['GET', 'POST'] as const;

/** The routes whose path is `path`, for a method (or any). */
export function routesAt(routes: readonly RoutePayload[], path: string, method?: string): RoutePayload[] {
  return routes.filter((route) => route.path === path && (method === undefined || route.method === method));
}

/** Paths to offer, each once, in the lesson's order. */
export const routePaths = (routes: readonly RoutePayload[]) => [...new Set(routes.map((route) => route.path))];

export function mountRequestPanel(container: HTMLElement, deps: RequestPanelDeps): RequestPanel {
  const { t, state } = deps;
  const { root } = panel(t, 'inspect.request.title', 'inspect-request');

  // ─── the form ────────────────────────────────────────────────────────────────────────────
  const browser = el('select', { class: 'inspect-browser' }, ...BROWSERS.map((b) => el('option', { value: b }, t(`inspect.browser.${b}`))));
  browser.value = state.browser();
  const instance = el('select', { class: 'inspect-instance' });
  const instanceField = labelled(t('inspect.request.instance'), instance);
  const method = el('select', { class: 'inspect-method' }, ...METHODS.map((m) => el('option', { value: m }, m)));
  const listId = uid('inspect-routes');
  const datalist = el('datalist', { id: listId });
  const path = el('input', {
    type: 'text',
    class: 'inspect-path',
    value: '/',
    list: listId,
    spellcheck: 'false',
    autocomplete: 'off',
    autocapitalize: 'off',
    inputmode: 'url',
  });
  const send = el('button', { type: 'submit', class: 'inspect-send' }, t('inspect.request.send'));
  const fieldRows = el('div', { class: 'inspect-form-rows' });
  const addField = el('button', { type: 'button', class: 'inspect-add-field' }, t('inspect.request.addField'));
  const fields = el('fieldset', { class: 'inspect-form-fields', hidden: true }, el('legend', {}, t('inspect.request.fields')), fieldRows, addField);
  const follow = el('input', { type: 'checkbox', class: 'inspect-follow', checked: true });
  const followField = el('label', { class: 'inspect-checkbox' }, follow, el('span', {}, t('inspect.request.follow')));
  const form = el(
    'form',
    { class: 'inspect-request-form', 'aria-label': t('inspect.request.form') },
    el(
      'div',
      { class: 'inspect-request-line' },
      labelled(t('inspect.request.browser'), browser),
      instanceField,
      labelled(t('inspect.request.method'), method),
      labelled(t('inspect.request.path'), path, 'inspect-field inspect-grow'),
      datalist,
      send,
    ),
    fields,
    followField,
  );
  const status = el('p', { class: 'inspect-status', role: 'status' });
  // A request that got no answer because the server is stuck in a loop: the way out, at hand.
  const restart = el('button', { type: 'button', class: 'inspect-restart', hidden: true }, t('fault.busy.restart'));
  restart.addEventListener('click', () => {
    restart.hidden = true;
    if (deps.onRestart) deps.onRestart();
    else void deps.session.restart();
  });
  const exchange = el('div', { class: 'inspect-exchange-slot', 'aria-label': t('inspect.exchange.title'), role: 'group' });
  const jarSlot = el('div', { class: 'inspect-jar-slot' });
  root.append(form, status, restart, exchange, jarSlot);
  container.replaceChildren(root);
  const jars = mountJars(jarSlot, { t, state, lang: () => deps.payload().lang });

  // ─── form fields (POST) ──────────────────────────────────────────────────────────────────
  const renumber = () => {
    [...fieldRows.children].forEach((row, i) => {
      const [name, value, remove] = row.querySelectorAll<HTMLElement>('input, button');
      const n = i + 1;
      name?.setAttribute('aria-label', t('inspect.request.fieldName', { n }));
      const named = (name as HTMLInputElement | undefined)?.value.trim();
      value?.setAttribute('aria-label', named ? t('inspect.request.fieldValueOf', { name: named }) : t('inspect.request.fieldValue', { n }));
      remove?.setAttribute('aria-label', t('inspect.request.removeField', { n }));
    });
  };
  const addRow = (name = '', value = '') => {
    const nameInput = el('input', { type: 'text', class: 'inspect-form-name', value: name, spellcheck: 'false', autocomplete: 'off', autocapitalize: 'off' });
    const valueInput = el('input', { type: 'text', class: 'inspect-form-value', value, spellcheck: 'false', autocomplete: 'off', autocapitalize: 'off' });
    const remove = el('button', { type: 'button', class: 'inspect-remove-field' }, t('inspect.request.remove'));
    const row = el('div', { class: 'inspect-form-row' }, nameInput, valueInput, remove);
    nameInput.addEventListener('input', renumber);
    remove.addEventListener('click', () => {
      const next = row.nextElementSibling?.querySelector('input') ?? row.previousElementSibling?.querySelector('input') ?? addField;
      row.remove();
      renumber();
      (next as HTMLElement).focus();
    });
    fieldRows.append(row);
    renumber();
    return nameInput;
  };
  const formValues = (): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const row of fieldRows.children) {
      const [name, value] = row.querySelectorAll('input');
      const key = name?.value.trim();
      if (key) out[key] = value?.value ?? '';
    }
    return out;
  };
  const setForm = (values: Readonly<Record<string, string>>) => {
    fieldRows.replaceChildren();
    for (const [name, value] of Object.entries(values)) addRow(name, value);
    if (fieldRows.children.length === 0) addRow();
  };
  const formEmpty = () => Object.keys(formValues()).length === 0;
  addField.addEventListener('click', () => addRow().focus());

  const showFields = () => {
    fields.hidden = method.value !== 'POST';
    if (!fields.hidden && fieldRows.children.length === 0) addRow();
  };
  /** POST to a lesson route with a form: its fields are offered when the learner has typed none. */
  const prefill = () => {
    if (method.value !== 'POST' || !formEmpty()) return;
    const route = routesAt(deps.payload().routes, normalizePreviewPath(path.value), 'POST').find((r) => r.form);
    if (route?.form) setForm(route.form);
  };
  method.addEventListener('change', () => {
    showFields();
    prefill();
  });
  path.addEventListener('change', () => {
    const at = routesAt(deps.payload().routes, normalizePreviewPath(path.value));
    const methods = new Set(at.map((route) => route.method));
    if (methods.size === 1) {
      method.value = [...methods][0]!;
      showFields();
    }
    prefill();
  });
  browser.addEventListener('change', () => state.setBrowser(browser.value as BrowserId));
  instance.addEventListener('change', () => state.setInstance(instance.value));

  // ─── routes and instances ────────────────────────────────────────────────────────────────
  const routesChanged = (reset = false) => {
    const routes = deps.payload().routes;
    datalist.replaceChildren(
      ...routePaths(routes).map((p) =>
        el('option', { value: p, label: routesAt(routes, p).map((route) => route.method).join(', ') }),
      ),
    );
    const first = routes.find((route) => route.method === 'GET') ?? routes[0];
    if (reset) {
      fieldRows.replaceChildren();
      exchange.replaceChildren();
      status.textContent = '';
    }
    if (first && (reset || path.value === '/' || path.value === '')) {
      path.value = first.path;
      method.value = first.method;
    }
    showFields();
    prefill();
  };
  const instancesChanged = () => {
    const names = state.instances();
    instanceField.hidden = names.length < 2;
    instance.replaceChildren(...names.map((name) => el('option', { value: name }, name)));
    instance.value = state.instance();
  };

  // ─── sending ─────────────────────────────────────────────────────────────────────────────
  let sending = 0;
  const doSend = async (): Promise<RequestResult | null> => {
    const target = normalizePreviewPath(path.value);
    path.value = target;
    const which = browser.value as BrowserId;
    const isPost = method.value === 'POST';
    const mine = ++sending;
    send.setAttribute('aria-busy', 'true');
    restart.hidden = true;
    status.textContent = t('inspect.request.sending', { request: `${method.value} ${target}` });
    try {
      const rendering = exchangeView();
      rendering.catch(() => {}); // awaited below, once the answer is here
      const result = await state.send({
        browser: which,
        method: method.value,
        path: target,
        follow: follow.checked,
        ...(isPost ? { form: formValues() } : {}),
      });
      const { renderExchange } = await rendering;
      if (mine !== sending) return result;
      exchange.replaceChildren(renderExchange(t, result));
      const last = result.hops[result.hops.length - 1]?.response;
      status.textContent = result.error
        ? t(`inspect.request.failure.${result.error.key}`, { seconds: secondsIn(result.error.ms) })
        : last
          ? t('inspect.request.answered', { status: last.status, count: result.hops.length })
          : '';
      restart.hidden = result.error?.key !== 'busy';
      return result;
    } catch (error) {
      if (mine === sending) status.textContent = errorText(t, sessionError(error));
      return null;
    } finally {
      if (mine === sending) send.removeAttribute('aria-busy');
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void doSend();
  });

  const unsubscribe = [
    state.on((change) => {
      if (change === 'browser' && browser.value !== state.browser()) browser.value = state.browser();
      if (change === 'instances' || change === 'instance') instancesChanged();
      if (change === 'reset') {
        exchange.replaceChildren();
        status.textContent = '';
        restart.hidden = true;
      }
    }),
    deps.session.onState((s) => {
      if (s.phase !== 'busy') restart.hidden = true;
    }),
  ];

  instancesChanged();
  routesChanged();
  showFields();

  return {
    fill(draft) {
      if (draft.browser) {
        browser.value = draft.browser;
        state.setBrowser(draft.browser);
      }
      if (draft.method) method.value = draft.method;
      if (draft.path !== undefined) path.value = normalizePreviewPath(draft.path);
      if (draft.form) setForm(draft.form);
      showFields();
      if (!draft.form) prefill();
    },
    send: doSend,
    routesChanged,
    dispose() {
      unsubscribe.forEach((off) => off());
      jars.dispose();
      root.remove();
    },
  };
}
