// The cookie view: the current browser's session cookie, decoded and explained — URL-decoding
// (s%3A → s:), the session id, the signature and whether it verifies with the app's secret (host
// `verify`), its attributes with a live countdown to expiry. Works for a renamed cookie too.
import type { LessonPayload } from '../lesson-data.ts';
import type { LessonSession } from '../session/session-types.ts';
import { DEFAULT_SESSION_COOKIE, SIGNED_PREFIX, countdownText, expiresAt, type CookieAttributes } from './cookie-decode.ts';
import { browserLabel, dateTime, el, panel, type Translate } from './dom.ts';
import type { InspectState, SessionCookie, Signature } from './state.ts';

export interface CookieViewDeps {
  readonly t: Translate;
  readonly session: LessonSession;
  readonly payload: () => LessonPayload;
  readonly state: InspectState;
  /** Default Date.now (tests). */
  readonly now?: () => number;
}

export interface CookieView {
  dispose(): void;
}

/** The attributes to explain: from the Set-Cookie that set the cookie when we saw it (it says
 * Expires or Max-Age, as sent), else what the jar keeps. */
export function cookieAttributes(found: SessionCookie): { attributes: CookieAttributes; expiry: number | null; from: 'header' | 'jar' } {
  if (found.setBy) {
    const { header, receivedAt } = found.setBy;
    return { attributes: header, expiry: expiresAt(header, receivedAt), from: 'header' };
  }
  const { cookie } = found;
  const attributes: CookieAttributes = {
    path: cookie.path,
    domain: cookie.domain,
    expires: cookie.expires,
    maxAge: null,
    httpOnly: cookie.httpOnly,
    secure: cookie.secure,
    sameSite: cookie.sameSite,
    partitioned: false,
  };
  return { attributes, expiry: expiresAt(attributes, 0), from: 'jar' };
}

const SIGNATURE_KEYS: Record<Signature, string> = {
  valid: 'inspect.cookie.valid',
  invalid: 'inspect.cookie.invalid',
  unknown: 'inspect.cookie.unknown',
  pending: 'inspect.cookie.pending',
};

export function mountCookieView(container: HTMLElement, deps: CookieViewDeps): CookieView {
  const { t, state } = deps;
  const now = deps.now ?? Date.now;
  const { root } = panel(t, 'inspect.cookie.title', 'inspect-cookie');
  const who = el('p', { class: 'inspect-cookie-who' });
  const body = el('div', { class: 'inspect-cookie-body' });
  root.append(who, body);
  container.replaceChildren(root);

  let countdown: { node: HTMLElement; expiry: number | null } | null = null;
  const tick = () => {
    if (countdown) countdown.node.textContent = countdownText(t, countdown.expiry, now());
  };
  const timer = setInterval(tick, 1000);

  const definition = (term: string, ...description: (Node | string)[]) => [el('dt', {}, term), el('dd', {}, ...description)];

  const explainAttributes = (found: SessionCookie) => {
    const { attributes, expiry } = cookieAttributes(found);
    const lang = deps.payload().lang;
    const path = attributes.path ?? '/';
    const sameSite = attributes.sameSite?.toLowerCase() ?? null;
    const sameSiteKey = sameSite === 'lax' || sameSite === 'strict' || sameSite === 'none' ? sameSite : 'unset';
    const countdownNode = el('span', { class: 'inspect-countdown', 'data-expiry': expiry ?? '' });
    countdown = expiry === null ? null : { node: countdownNode, expiry };
    tick();
    const expiryTerm = attributes.maxAge !== null ? 'Max-Age' : 'Expires';
    const expiryValue =
      attributes.maxAge !== null
        ? t('inspect.cookie.maxAge', { seconds: attributes.maxAge })
        : expiry !== null
          ? dateTime(lang, expiry)
          : t('inspect.cookie.noExpiry');
    const explain = (key: string, values?: Record<string, unknown>) => el('span', { class: 'inspect-explain' }, t(key, values));
    return el(
      'dl',
      { class: 'inspect-attributes' },
      ...definition('Path', el('code', {}, path), explain('inspect.cookie.explain.path', { path })),
      ...definition('Domain', attributes.domain ? el('code', {}, attributes.domain) : t('inspect.cookie.notSet'), explain(attributes.domain ? 'inspect.cookie.explain.domain' : 'inspect.cookie.explain.hostOnly')),
      ...definition('HttpOnly', yesNo(attributes.httpOnly), explain(attributes.httpOnly ? 'inspect.cookie.explain.httpOnlyOn' : 'inspect.cookie.explain.httpOnlyOff')),
      ...definition('Secure', yesNo(attributes.secure), explain(attributes.secure ? 'inspect.cookie.explain.secureOn' : 'inspect.cookie.explain.secureOff')),
      ...definition('SameSite', attributes.sameSite ? el('code', {}, attributes.sameSite) : t('inspect.cookie.notSet'), explain(`inspect.cookie.explain.sameSite.${sameSiteKey}`)),
      ...definition(
        expiryTerm,
        expiryValue,
        expiry === null ? '' : ' ',
        expiry === null ? '' : countdownNode,
        explain(expiry === null ? 'inspect.cookie.explain.browserSession' : attributes.maxAge !== null ? 'inspect.cookie.explain.maxAge' : 'inspect.cookie.explain.expires'),
      ),
    );
  };
  const yesNo = (on: boolean) => el('strong', {}, t(on ? 'inspect.cookie.yes' : 'inspect.cookie.no'));

  /** What the view shows depends on only this: the same key, nothing to redraw (a selection stays). */
  let shown = '';
  const viewKey = () => {
    const browser = state.browser();
    const found = browser === 'none' ? null : state.sessionCookie(browser);
    const id = found?.decoded.sessionId ?? '';
    return JSON.stringify([deps.payload().lang, browser, found?.cookie, found?.setBy?.header.raw, found?.setBy?.receivedAt, state.signature(browser), state.stores.sessionIds().has(id)]);
  };

  const render = () => {
    const key = viewKey();
    if (key === shown) return;
    shown = key;
    countdown = null;
    const browser = state.browser();
    const label = browserLabel(t, browser);
    if (browser === 'none') {
      who.textContent = '';
      body.replaceChildren(el('p', { class: 'inspect-muted' }, t('inspect.cookie.noneBrowser')));
      return;
    }
    const found = state.sessionCookie(browser);
    who.textContent = t('inspect.cookie.ofBrowser', { browser: label });
    if (!found) {
      body.replaceChildren(el('p', { class: 'inspect-muted' }, t('inspect.cookie.empty', { browser: label })));
      return;
    }
    const { cookie, decoded } = found;
    const signature = state.signature(browser) ?? 'pending';
    const storeIds = state.stores.sessionIds();
    const parts: HTMLElement[] = [];
    if (decoded.signed) {
      parts.push(
        el('li', {}, el('code', { class: 'inspect-part-prefix' }, SIGNED_PREFIX), ' ', t('inspect.cookie.part.prefix')),
        el(
          'li',
          {},
          el('code', { class: 'inspect-part-id', 'data-session-id': decoded.sessionId ?? '' }, decoded.sessionId ?? ''),
          ' ',
          t(decoded.idLooksDefault ? 'inspect.cookie.part.id' : 'inspect.cookie.part.idCustom'),
          ' ',
          el(
            'span',
            { class: 'inspect-in-store', 'data-in-store': String(storeIds.has(decoded.sessionId ?? '')) },
            t(storeIds.has(decoded.sessionId ?? '') ? 'inspect.cookie.inStore' : 'inspect.cookie.notInStore'),
          ),
        ),
        el(
          'li',
          {},
          decoded.signature === null ? el('em', {}, t('inspect.cookie.noSignature')) : el('code', { class: 'inspect-part-signature' }, decoded.signature),
          ' ',
          t('inspect.cookie.part.signature'),
        ),
      );
    }
    const decodedLine = decoded.signed
      ? el(
          'code',
          { class: 'inspect-decoded' },
          el('span', { class: 'inspect-part-prefix' }, SIGNED_PREFIX),
          el('span', { class: 'inspect-part-id' }, decoded.sessionId ?? ''),
          decoded.signature === null ? null : el('span', { class: 'inspect-part-dot' }, '.'),
          decoded.signature === null ? null : el('span', { class: 'inspect-part-signature' }, decoded.signature),
        )
      : el('code', { class: 'inspect-decoded' }, decoded.decoded);
    body.replaceChildren(
      el(
        'dl',
        { class: 'inspect-cookie-value' },
        ...definition(
          t('inspect.cookie.name'),
          el('code', {}, cookie.name),
          ' ',
          cookie.name === DEFAULT_SESSION_COOKIE ? t('inspect.cookie.defaultName') : t('inspect.cookie.renamed', { name: cookie.name, defaultName: DEFAULT_SESSION_COOKIE }),
        ),
        ...definition(t('inspect.cookie.raw'), el('code', { class: 'inspect-raw-value' }, cookie.value)),
        ...definition(
          t('inspect.cookie.decoded'),
          decodedLine,
          el('span', { class: 'inspect-explain' }, t(decoded.badEncoding ? 'inspect.cookie.badEncoding' : decoded.urlEncoded ? 'inspect.cookie.urlDecoded' : 'inspect.cookie.notEncoded')),
        ),
      ),
      decoded.signed ? el('ol', { class: 'inspect-cookie-parts', 'aria-label': t('inspect.cookie.parts') }, ...parts) : el('p', {}, t('inspect.cookie.unsigned')),
      el(
        'p',
        { class: 'inspect-signature', 'data-signature': signature },
        el('strong', { class: 'inspect-signature-verdict' }, t(SIGNATURE_KEYS[signature])),
        ' ',
        el('span', {}, t(decoded.signed ? `inspect.cookie.explain.${signature}` : 'inspect.cookie.explain.unsignedInvalid')),
      ),
      el('h4', {}, t('inspect.cookie.attributes')),
      explainAttributes(found),
    );
  };

  const unsubscribe = [
    state.on((change) => {
      if (change !== 'checking' && change !== 'instances') render();
    }),
    // The store's ids decide which cookie is the session's and whether its id is stored.
    state.onStore(render),
  ];
  render();
  return {
    dispose() {
      clearInterval(timer);
      unsubscribe.forEach((off) => off());
      root.remove();
    },
  };
}
