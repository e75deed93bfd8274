// One exchange as the learner reads it: each hop (a redirect followed gives several) with its
// request (the Cookie header picked out) and its response (status, headers with Set-Cookie
// highlighted, the body rendered or raw). Used by the request panel and the timeline.
import type { Hop, RequestFailure, RequestResult } from '../../../lab/protocol/requests.ts';
import { bodyKind, isCookieHeader, prettyBody, renderedDocument, type Headers } from './body-format.ts';
import { el, type Translate } from './dom.ts';

export interface HopOptions {
  /** 1-based, and how many hops the exchange had (a number is shown when there are several). */
  readonly index?: number;
  readonly count?: number;
  /** Open at first (the last hop is). */
  readonly open?: boolean;
  /** The request failed here. */
  readonly error?: RequestFailure;
}

/** The whole result of a request panel send. */
export function renderExchange(t: Translate, result: RequestResult): HTMLElement {
  const count = result.hops.length;
  const root = el('div', { class: 'inspect-exchange' });
  if (count > 1) root.append(el('p', { class: 'inspect-hops-note' }, t('inspect.exchange.hops', { count })));
  result.hops.forEach((hop, i) => {
    const last = i === count - 1;
    root.append(renderHop(t, hop, { index: i + 1, count, open: last, ...(last && result.error ? { error: result.error } : {}) }));
  });
  if (count === 0 && result.error) root.append(failure(t, result.error));
  return root;
}

const failure = (t: Translate, error: RequestFailure) =>
  el('p', { class: 'inspect-error', role: 'alert' }, t(`inspect.request.failure.${error.key}`), ' ', el('code', {}, error.message));

/** "GET /login → 302 Found" */
export function hopSummary(t: Translate, hop: Hop): string {
  const line = `${hop.request.method} ${hop.request.path}`;
  if (!hop.response) return t('inspect.exchange.noAnswer', { request: line });
  return t('inspect.exchange.summary', { request: line, status: hop.response.status, statusText: hop.response.statusText, ms: hop.ms });
}

export function renderHop(t: Translate, hop: Hop, options: HopOptions = {}): HTMLDetailsElement {
  const { index, count = 1 } = options;
  const summaryText = hopSummary(t, hop);
  const summary = el(
    'summary',
    {},
    count > 1 && index !== undefined ? el('span', { class: 'inspect-hop-number' }, t('inspect.exchange.hop', { n: index, count })) : null,
    count > 1 && index !== undefined ? ' ' : null,
    el('span', { class: 'inspect-hop-line' }, summaryText),
  );
  const request = el(
    'div',
    { class: 'inspect-hop-part' },
    el('h4', {}, t('inspect.exchange.request')),
    el('pre', { class: 'inspect-startline' }, `${hop.request.method} ${hop.request.path} HTTP/1.1`),
    headerTable(t, hop.request.headers, t('inspect.exchange.requestHeaders')),
  );
  const details = el('details', { class: 'inspect-hop', open: options.open ?? false }, summary, request);
  if (hop.response) {
    const response = hop.response;
    details.append(
      el(
        'div',
        { class: 'inspect-hop-part' },
        el('h4', {}, t('inspect.exchange.response')),
        el('pre', { class: 'inspect-startline', 'data-status': response.status }, `HTTP/1.1 ${response.status} ${response.statusText}`),
        headerTable(t, response.headers, t('inspect.exchange.responseHeaders')),
        renderBody(t, response.headers, response.body, response.truncated),
      ),
    );
  }
  if (options.error) details.append(failure(t, options.error));
  return details;
}

/** Headers as a table; `Cookie` and `Set-Cookie` rows marked and said. */
export function headerTable(t: Translate, headers: Headers, caption: string): HTMLTableElement {
  const body = el('tbody');
  for (const [name, value] of headers) {
    const cookie = isCookieHeader(name);
    const setCookie = name.toLowerCase() === 'set-cookie';
    body.append(
      el(
        'tr',
        { class: cookie ? 'inspect-header-cookie' : null, 'data-header': name.toLowerCase() },
        el('th', { scope: 'row' }, el('code', {}, name)),
        el(
          'td',
          {},
          el('code', {}, value),
          cookie ? el('span', { class: 'inspect-badge' }, t(setCookie ? 'inspect.exchange.setsCookie' : 'inspect.exchange.sendsCookie')) : null,
        ),
      ),
    );
  }
  if (headers.length === 0) body.append(el('tr', {}, el('td', { colspan: 2 }, t('inspect.exchange.noHeaders'))));
  return el(
    'table',
    { class: 'inspect-headers' },
    el('caption', { class: 'visually-hidden' }, caption),
    el('thead', { class: 'visually-hidden' }, el('tr', {}, el('th', { scope: 'col' }, t('inspect.exchange.headerName')), el('th', { scope: 'col' }, t('inspect.exchange.headerValue')))),
    body,
  );
}

/** The body: a page in a sandboxed frame (no scripts), JSON indented, or text; "Raw" shows it as sent. */
export function renderBody(t: Translate, headers: Headers, body: string, truncated: boolean): HTMLElement {
  const kind = bodyKind(headers, body);
  const root = el('div', { class: 'inspect-body', 'data-kind': kind }, el('h5', { class: 'inspect-body-title' }, t('inspect.exchange.body')));
  if (kind === 'empty') {
    root.append(el('p', { class: 'inspect-muted' }, t('inspect.exchange.emptyBody')));
    return root;
  }
  const raw = el('pre', { class: 'inspect-raw', hidden: kind !== 'text' }, el('code', {}, body));
  if (kind !== 'text') {
    const rendered =
      kind === 'html'
        ? el('iframe', { class: 'inspect-rendered', sandbox: '', title: t('inspect.exchange.renderedTitle'), srcdoc: renderedDocument(body) })
        : el('pre', { class: 'inspect-rendered' }, el('code', {}, prettyBody(kind, body)));
    const toggle = el('button', { type: 'button', class: 'inspect-raw-toggle', 'aria-pressed': 'false' }, t('inspect.exchange.raw'));
    toggle.addEventListener('click', () => {
      const showRaw = toggle.getAttribute('aria-pressed') !== 'true';
      toggle.setAttribute('aria-pressed', String(showRaw));
      raw.hidden = !showRaw;
      rendered.hidden = showRaw;
    });
    root.append(toggle, rendered);
  }
  root.append(raw);
  if (truncated) root.append(el('p', { class: 'inspect-muted' }, t('inspect.exchange.truncated')));
  return root;
}

