// The sequence diagram: the selected request (by default the latest, following new ones live) as
// a picture — the browser, the server and the store as lifelines, the Cookie header going in, each
// store operation and its answer, the Set-Cookie coming back, a followed redirect as the next
// exchange — drawn as SVG from the model of sequence.ts. Colours and words say a new session, a
// refused cookie, a destroyed or regenerated one. Screen readers get the same steps as a list (the
// SVG is hidden from them). A small send bar lets the learner send a lesson route from here.
import type { BrowserId } from '../../../lab/protocol/requests.ts';
import type { LessonPayload } from '../lesson-data.ts';
import { sessionError } from '../session/session-error.ts';
import type { LessonSession } from '../session/session-types.ts';
import { errorText } from '../session/session-text.ts';
import { shortId } from './cookie-decode.ts';
import { browserLabel, clockTime, el, labelled, panel, uid, type Translate } from './dom.ts';
import { chainOf, diagramOf, latestChain, requestChains, stepLanes, type Lane, type SequenceDiagram, type SequenceStep, type Verdict } from './sequence.ts';
import { BROWSERS, type InspectState } from './state.ts';
import type { RequestEntry } from './timeline.ts';

export interface SequenceViewDeps {
  readonly t: Translate;
  readonly session: LessonSession;
  readonly payload: () => LessonPayload;
  readonly state: InspectState;
}

export interface SequenceView {
  /** Draws again from the state (the tab was shown, the step changed). */
  refresh(): void;
  /** Shows the diagram of this timeline entry's request (null: follow the latest). */
  select(key: string | null): void;
  dispose(): void;
}

const LATEST = '';
/** How many requests the picker offers (newest first). */
const PICKER_LIMIT = 40;

// ─── words ───────────────────────────────────────────────────────────────────────────────────

type Ids = (id: string) => string;

/** A step's words: the label on its arrow or note, and the line under it. */
export function stepText(t: Translate, step: SequenceStep, ids: Ids): { text: string; detail?: string } {
  const session = (id: string | null) => (id === null ? '' : ids(id));
  switch (step.kind) {
    case 'request': {
      const cookie = step.cookie;
      const detail = !cookie
        ? t('inspect.sequence.noCookie')
        : cookie.sessionId
          ? t('inspect.sequence.cookieSent', { name: cookie.name, id: ids(cookie.sessionId) })
          : t('inspect.sequence.cookieOther', { name: cookie.name });
      return { text: `${step.method} ${step.path}`, detail };
    }
    case 'refused':
      return { text: t('inspect.sequence.refused'), detail: t('inspect.sequence.refusedWhy') };
    case 'newSession':
      return { text: t('inspect.sequence.newSession', { id: ids(step.sessionId) }), ...(step.saved ? {} : { detail: t('inspect.sequence.notStored') }) };
    case 'storeCall':
      if (step.op === 'regenerate') return { text: t('inspect.sequence.regenerate', { previous: session(step.previousSessionId ?? null), id: session(step.sessionId) }) };
      return { text: step.op === 'clear' ? 'clear()' : `${step.op}(${session(step.sessionId)})` };
    case 'storeReply':
      return {
        text:
          step.result === 'error'
            ? t('inspect.sequence.reply.error', { message: step.error ?? '' })
            : t(`inspect.sequence.reply.${step.result}`, { id: session(step.sessionId) }),
      };
    case 'response': {
      const text = step.location === undefined ? String(step.status) : t('inspect.sequence.redirect', { status: step.status, location: step.location });
      const cookies = step.cookies.map((cookie) =>
        cookie.cleared
          ? t('inspect.sequence.clearCookie', { name: cookie.name })
          : cookie.sessionId
            ? t(cookie.fresh ? 'inspect.sequence.setCookieNew' : 'inspect.sequence.setCookie', { name: cookie.name, id: ids(cookie.sessionId) })
            : t('inspect.sequence.setCookieOther', { name: cookie.name }),
      );
      return { text, detail: cookies.length > 0 ? cookies.join('; ') : t('inspect.sequence.noSetCookie') };
    }
    case 'noAnswer':
      return { text: step.failure ? t(`inspect.request.failure.${step.failure}`) : t('inspect.sequence.waiting') };
  }
}

export function verdictText(t: Translate, verdict: Verdict, ids: Ids): string {
  switch (verdict.kind) {
    case 'regenerated':
      return t('inspect.sequence.verdict.regenerated', { previous: ids(verdict.previousSessionId), id: ids(verdict.sessionId) });
    case 'refused':
      return t('inspect.sequence.verdict.refused');
    default:
      return t(`inspect.sequence.verdict.${verdict.kind}`, { id: ids(verdict.sessionId) });
  }
}

// ─── drawing ─────────────────────────────────────────────────────────────────────────────────

const SVG_NS = 'http://www.w3.org/2000/svg';
type SvgAttributes = Record<string, string | number>;
function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: SvgAttributes = {}, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  node.append(...children);
  return node;
}

/** Where each lifeline stands, in percent of the width (the SVG scales to its box). */
const LANE_X: Record<Lane, number> = { browser: 12, server: 50, store: 88 };
const HEAD = 36;
const ROW = 28;
const DETAIL = 15;
const NOTE = 36;
const DIVIDER = 34;
const TONES = ['plain', 'new', 'refused', 'destroyed', 'regenerated', 'found', 'missing', 'error', 'pending'] as const;

/** The diagram as SVG: lifelines, then each exchange's steps top to bottom. */
function drawDiagram(t: Translate, diagram: SequenceDiagram, laneNames: Record<Lane, string>): SVGSVGElement {
  const id = uid('seq');
  const defs = svg(
    'defs',
    {},
    ...TONES.map((tone) =>
      svg('marker', { id: `${id}-${tone}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, svg('path', { d: 'M0 0L10 5L0 10z', class: `seq-head seq-tone-${tone}` })),
    ),
  );
  const body: SVGElement[] = [];
  const short: Ids = (value) => shortId(value);
  let y = HEAD + 10;
  diagram.exchanges.forEach((exchange, index) => {
    if (index > 0) {
      y += 6;
      body.push(
        svg('line', { x1: '2%', x2: '98%', y1: y + 8, y2: y + 8, class: 'seq-divider' }),
        svg('text', { x: '50%', y: y + 4, 'text-anchor': 'middle', class: 'seq-divider-text' }, t('inspect.sequence.followed', { request: `${exchange.method} ${exchange.path}` })),
      );
      y += DIVIDER - 6;
    }
    for (const step of exchange.steps) {
      const { from, to } = stepLanes(step);
      const words = stepText(t, step, short);
      const tone = `seq-tone-${step.tone}`;
      if (from === to) {
        const height = words.detail ? NOTE + DETAIL - 4 : NOTE - 8;
        body.push(
          svg(
            'g',
            { class: `seq-note ${tone}`, 'data-kind': step.kind },
            svg('rect', { x: '22%', y, width: '56%', height, rx: 6 }),
            svg('text', { x: '50%', y: y + 17, 'text-anchor': 'middle', class: 'seq-label' }, words.text),
            ...(words.detail ? [svg('text', { x: '50%', y: y + 17 + DETAIL, 'text-anchor': 'middle', class: 'seq-detail' }, words.detail)] : []),
          ),
        );
        y += height + 8;
        continue;
      }
      const [a, b] = [LANE_X[from], LANE_X[to]];
      const gap = a < b ? 0.6 : -0.6;
      const mid = (a + b) / 2;
      const reply = step.kind === 'storeReply' || step.kind === 'response' || step.kind === 'noAnswer';
      const lineY = y + 18;
      body.push(
        svg(
          'g',
          { class: `seq-arrow ${tone}${reply ? ' seq-reply' : ''}`, 'data-kind': step.kind },
          svg('text', { x: `${mid}%`, y: lineY - 6, 'text-anchor': 'middle', class: 'seq-label' }, words.text),
          svg('line', { x1: `${a + gap}%`, x2: `${b - gap}%`, y1: lineY, y2: lineY, 'marker-end': `url(#${id}-${step.tone})` }),
          ...(words.detail ? [svg('text', { x: `${mid}%`, y: lineY + 14, 'text-anchor': 'middle', class: 'seq-detail' }, words.detail)] : []),
        ),
      );
      y += ROW + (words.detail ? DETAIL : 0);
    }
  });
  const height = y + 8;
  const lanes = (Object.keys(LANE_X) as Lane[]).map((lane) =>
    svg(
      'g',
      { class: 'seq-lane', 'data-lane': lane },
      svg('line', { x1: `${LANE_X[lane]}%`, x2: `${LANE_X[lane]}%`, y1: HEAD - 6, y2: height - 4, class: 'seq-lifeline' }),
      svg('rect', { x: `${LANE_X[lane] - 11}%`, y: 4, width: '22%', height: HEAD - 10, rx: 6, class: 'seq-lane-head' }),
      svg('text', { x: `${LANE_X[lane]}%`, y: 4 + (HEAD - 10) / 2 + 4.5, 'text-anchor': 'middle', class: 'seq-lane-name' }, laneNames[lane]),
    ),
  );
  return svg('svg', { class: 'seq-svg', width: '100%', height, 'aria-hidden': 'true', focusable: 'false' }, defs, ...lanes, ...body);
}

// ─── the view ────────────────────────────────────────────────────────────────────────────────

export function mountSequence(container: HTMLElement, deps: SequenceViewDeps): SequenceView {
  const { t, state } = deps;
  const lang = () => deps.payload().lang;
  const { root, heading } = panel(t, 'inspect.sequence.title', 'inspect-sequence');

  // Which request: the latest (live), or one the learner picked.
  // Its first option says what it is for ("the latest request…"): named for screen readers only,
  // so choosing and sending fit on one row above the picture.
  const picker = el('select', { class: 'inspect-sequence-pick', 'aria-label': t('inspect.sequence.choose') });
  // A lesson route, sent from here as one of the browsers (the request panel has every option).
  const browser = el('select', { class: 'inspect-browser' }, ...BROWSERS.map((b) => el('option', { value: b }, t(`inspect.browser.${b}`))));
  const route = el('select', { class: 'inspect-sequence-route' });
  const send = el('button', { type: 'submit', class: 'inspect-send' }, t('inspect.request.send'));
  const sendForm = el(
    'form',
    { class: 'inspect-request-line inspect-sequence-send', 'aria-label': t('inspect.request.form') },
    labelled(t('inspect.request.browser'), browser),
    labelled(t('inspect.sequence.route'), route, 'inspect-field inspect-grow'),
    send,
  );
  // The answer is in the picture: a sighted learner sees only a failure here; a screen reader hears both.
  const status = el('p', { class: 'inspect-status inspect-sequence-status', role: 'status' });
  const controls = el('div', { class: 'inspect-sequence-controls' }, picker, sendForm);
  const verdicts = el('p', { class: 'inspect-sequence-verdicts' });
  // The tab names the panel already: its heading is for screen readers, the room for the picture.
  heading.classList.add('visually-hidden');
  const head = el('div', { class: 'inspect-sequence-head' }, heading, verdicts);
  const empty = el('p', { class: 'inspect-muted' }, t('inspect.sequence.empty'));
  const picture = el('div', { class: 'inspect-sequence-picture', tabindex: '0', role: 'group' });
  const steps = el('ol', { class: 'visually-hidden' });
  picture.append(steps);
  root.replaceChildren(head, controls, status, empty, picture);
  const announce = (text: string, failed = false) => {
    status.textContent = text;
    status.toggleAttribute('data-failed', failed);
  };
  container.replaceChildren(root);

  let selected: string | null = null;

  const chainLabel = (chain: readonly RequestEntry[]) => {
    const first = chain[0]!;
    const last = chain[chain.length - 1]!;
    const hops = chain.map((entry) => `${entry.method} ${entry.path}`).join(' → ');
    const answer = last.response ? ` → ${last.response.status}` : '';
    const check = first.source === 'check' ? ` (${t('inspect.timeline.fromCheck')})` : '';
    return t('inspect.sequence.option', { time: clockTime(lang(), first.time), browser: browserLabel(t, first.browser), request: `${hops}${answer}${check}` });
  };

  const fillPicker = () => {
    const chains = requestChains(state.timeline.entries()).slice(-PICKER_LIMIT).reverse();
    const options = [el('option', { value: LATEST }, t('inspect.sequence.latest')), ...chains.map((chain) => el('option', { value: chain[0]!.key }, chainLabel(chain)))];
    picker.replaceChildren(...options);
    picker.value = selected !== null && chains.some((chain) => chain.some((entry) => entry.key === selected)) ? (chainOf(state.timeline.entries(), selected)?.[0]?.key ?? LATEST) : LATEST;
  };

  const fillRoutes = () => {
    const routes = deps.payload().routes;
    const value = route.value;
    route.replaceChildren(...routes.map((r, i) => el('option', { value: String(i) }, `${r.method} ${r.path}`)));
    if (value && Number(value) < routes.length) route.value = value;
    sendForm.hidden = routes.length === 0;
  };

  const laneNames = (diagram: SequenceDiagram): Record<Lane, string> => ({
    browser: browserLabel(t, diagram.browser),
    server: state.instances().length > 1 ? t('inspect.sequence.serverOf', { instance: diagram.instance }) : t('inspect.sequence.server'),
    store: t('inspect.sequence.store'),
  });

  const render = () => {
    const entries = state.timeline.entries();
    const chain = selected === null ? latestChain(entries) : chainOf(entries, selected);
    const diagram = chain ? diagramOf(chain, state.sessionCookieName()) : null;
    empty.hidden = diagram !== null;
    picture.hidden = diagram === null;
    verdicts.replaceChildren();
    if (!diagram) {
      picture.querySelector('svg')?.remove();
      steps.replaceChildren();
      return;
    }
    const names = laneNames(diagram);
    const full: Ids = (id) => id;
    // Badges: what the exchange did to the session, in colour and in words.
    const found = diagram.exchanges.flatMap((exchange) => exchange.verdicts);
    verdicts.append(
      ...found.flatMap((verdict, i) => [i > 0 ? ' ' : '', el('span', { class: `inspect-badge seq-badge seq-tone-${verdict.kind === 'new' ? 'new' : verdict.kind}`, 'data-verdict': verdict.kind }, verdictText(t, verdict, (id) => shortId(id)))]),
    );
    verdicts.hidden = found.length === 0;
    picture.setAttribute('aria-label', t('inspect.sequence.of', { browser: names.browser, request: chainLabel(chain!) }));
    // The same steps for screen readers, with the whole ids.
    const items: HTMLElement[] = [];
    diagram.exchanges.forEach((exchange, index) => {
      if (index > 0) items.push(el('li', { 'data-kind': 'redirect' }, t('inspect.sequence.followed', { request: `${exchange.method} ${exchange.path}` })));
      for (const step of exchange.steps) {
        const { from, to } = stepLanes(step);
        const words = stepText(t, step, full);
        const text = words.detail ? `${words.text} (${words.detail})` : words.text;
        const line = from === to ? t('inspect.sequence.note', { lane: names[from], text }) : t('inspect.sequence.message', { from: names[from], to: names[to], text });
        items.push(el('li', { 'data-kind': step.kind, 'data-tone': step.tone }, line));
      }
      for (const verdict of exchange.verdicts) items.push(el('li', { 'data-verdict': verdict.kind }, verdictText(t, verdict, full)));
    });
    steps.replaceChildren(...items);
    picture.querySelector('svg')?.remove();
    picture.prepend(drawDiagram(t, diagram, names));
  };

  const refresh = () => {
    fillPicker();
    fillRoutes();
    browser.value = state.browser();
    render();
  };

  picker.addEventListener('change', () => {
    selected = picker.value === LATEST ? null : picker.value;
    render();
  });
  browser.addEventListener('change', () => state.setBrowser(browser.value as BrowserId));
  route.addEventListener('focus', fillRoutes);
  let sending = 0;
  sendForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = deps.payload().routes[Number(route.value)];
    if (!chosen) return;
    const mine = ++sending;
    send.setAttribute('aria-busy', 'true');
    announce(t('inspect.request.sending', { request: `${chosen.method} ${chosen.path}` }));
    // Sending from here follows the latest request: that is the one the learner wants to see.
    selected = null;
    state
      .send({ browser: browser.value as BrowserId, method: chosen.method, path: chosen.path, follow: true, ...(chosen.form ? { form: { ...chosen.form } } : {}) })
      .then(
        (result) => {
          if (mine !== sending) return;
          const last = result.hops[result.hops.length - 1]?.response;
          if (result.error) announce(t(`inspect.request.failure.${result.error.key}`), true);
          else announce(last ? t('inspect.request.answered', { status: last.status, count: result.hops.length }) : '');
        },
        (error: unknown) => {
          if (mine === sending) announce(errorText(t, sessionError(error)), true);
        },
      )
      .finally(() => {
        if (mine === sending) send.removeAttribute('aria-busy');
      });
  });

  // Live: every probe event may change the drawing (a request in, its store operations, its answer).
  let queued = false;
  const later = () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      fillPicker();
      render();
    });
  };
  const unsubscribe = [
    state.onTimeline(later),
    state.on((change) => {
      if (change === 'browser') browser.value = state.browser();
      if (change === 'reset') {
        selected = null;
        announce('');
        refresh();
      }
      if (change === 'instances') render();
    }),
  ];
  refresh();
  return {
    refresh,
    select(key) {
      selected = key;
      fillPicker();
      render();
    },
    dispose() {
      unsubscribe.forEach((off) => off());
      root.remove();
    },
  };
}
