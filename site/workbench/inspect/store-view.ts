// The store view: what the session store holds, live from the probe — one row per session, the
// current browser's session highlighted, its JSON readable, each change flashed briefly (added,
// changed, destroyed). One list per server instance when the lesson runs more than one. The same
// for MemoryStore, the file store and a learner's own store.
import type { Instance } from '../../../lab/protocol/host.ts';
import type { LessonPayload } from '../lesson-data.ts';
import type { LessonSession } from '../session/session-types.ts';
import { shortId } from './cookie-decode.ts';
import { browserLabel, clockTime, createTimers, el, panel, type Translate } from './dom.ts';
import type { InspectState } from './state.ts';
import { stableJson, type SessionChange, type StoreState, type StoreUpdate } from './store-model.ts';

export interface StoreViewDeps {
  readonly t: Translate;
  readonly session: LessonSession;
  readonly payload: () => LessonPayload;
  readonly state: InspectState;
  /** How long a change stays flashed (ms, default 1600). */
  readonly flashMs?: number;
}

export interface StoreView {
  dispose(): void;
}

export function mountStoreView(container: HTMLElement, deps: StoreViewDeps): StoreView {
  const { t, state } = deps;
  const flashMs = deps.flashMs ?? 1600;
  const timers = createTimers();
  const { root } = panel(t, 'inspect.store.title', 'inspect-store');
  const current = el('p', { class: 'inspect-store-current' });
  const lists = el('div', { class: 'inspect-store-lists' });
  const announce = el('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  root.append(current, lists, announce);
  container.replaceChildren(root);

  /** instance → session id → the change being flashed */
  const flashing = new Map<Instance, Map<string, SessionChange>>();
  /** instance → destroyed sessions still shown while they flash */
  const ghosts = new Map<Instance, Map<string, unknown>>();
  const mapOf = <V>(maps: Map<Instance, Map<string, V>>, instance: Instance) => maps.get(instance) ?? maps.set(instance, new Map()).get(instance)!;
  /** The last contents seen (a destroyed session's JSON, shown while it fades). */
  const previous = new Map<Instance, Readonly<Record<string, unknown>>>();
  for (const instance of state.stores.instances()) previous.set(instance, state.stores.get(instance)?.sessions ?? {});

  const row = (instance: Instance, id: string, value: unknown, currentId: string | null) => {
    const change = flashing.get(instance)?.get(id);
    const isCurrent = id === currentId;
    return el(
      'li',
      { class: 'inspect-session', 'data-session-id': id, 'data-current': String(isCurrent), 'data-change': change ?? null },
      el(
        'div',
        { class: 'inspect-session-head' },
        el('code', { class: 'inspect-session-id' }, id),
        isCurrent ? el('span', { class: 'inspect-badge inspect-badge-current' }, t('inspect.store.current', { browser: browserLabel(t, state.browser()) })) : null,
        change ? el('span', { class: 'inspect-badge', 'data-change': change }, t(`inspect.store.change.${change}`)) : null,
      ),
      el('pre', { class: 'inspect-session-json', tabindex: 0, role: 'group', 'aria-label': t('inspect.store.json', { id: shortId(id) }) }, el('code', {}, stableJson(value, 2))),
    );
  };

  const meta = (store: StoreState | undefined) => {
    const lang = deps.payload().lang;
    if (!store || !store.known) {
      return store?.startedAt !== undefined
        ? t('inspect.store.waitingSince', { time: clockTime(lang, store.startedAt) })
        : t('inspect.store.waiting');
    }
    const count = Object.keys(store.sessions).length;
    const parts = [t('inspect.store.count', { count })];
    if (store.last) parts.push(t('inspect.store.lastOp', { op: store.last.op, time: clockTime(lang, store.last.time) }));
    if (store.last?.error) parts.push(t('inspect.store.opError', { message: store.last.error }));
    return parts.join(' · ');
  };

  const render = () => {
    const browser = state.browser();
    const currentId = state.currentSessionId(browser);
    current.textContent =
      browser === 'none'
        ? t('inspect.store.noneBrowser')
        : !currentId
          ? t('inspect.store.noCurrent', { browser: browserLabel(t, browser) })
          : state.stores.sessionIds().has(currentId) || !state.stores.get(state.instance())?.known
            ? t('inspect.store.highlighted', { browser: browserLabel(t, browser), id: shortId(currentId) })
            : t('inspect.store.currentMissing', { browser: browserLabel(t, browser), id: shortId(currentId) });
    const instances = state.stores.instances();
    const shown = instances.length > 0 ? instances : [state.instance()];
    const many = shown.length > 1;
    lists.replaceChildren(
      ...shown.map((instance) => {
        const store = state.stores.get(instance);
        const sessions = { ...(store?.sessions ?? {}) };
        const ghostRows = [...(ghosts.get(instance) ?? new Map<string, unknown>())].filter(([id]) => !Object.hasOwn(sessions, id));
        const ids = Object.keys(sessions);
        const list = el(
          'ul',
          { class: 'inspect-sessions', 'aria-label': many ? t('inspect.store.instance', { instance }) : t('inspect.store.title') },
          ...ids.map((id) => row(instance, id, sessions[id], currentId)),
          ...ghostRows.map(([id, value]) => row(instance, id, value, null)),
        );
        return el(
          'div',
          { class: 'inspect-store-instance', 'data-instance': instance },
          many ? el('h4', {}, t('inspect.store.instance', { instance })) : null,
          el('p', { class: 'inspect-muted' }, meta(store)),
          ids.length + ghostRows.length > 0 ? list : store?.known ? el('p', { class: 'inspect-store-empty' }, t('inspect.store.empty')) : null,
        );
      }),
    );
  };

  const onUpdate = (update: StoreUpdate) => {
    const { instance, changes } = update;
    const before = previous.get(instance) ?? {};
    previous.set(instance, update.state.sessions);
    const said: string[] = [];
    for (const [id, change] of changes) {
      mapOf(flashing, instance).set(id, change);
      if (change === 'destroyed') mapOf(ghosts, instance).set(id, before[id]);
      else ghosts.get(instance)?.delete(id);
      said.push(t(`inspect.store.announce.${change}`, { id: shortId(id) }));
      timers.after(flashMs, () => {
        if (flashing.get(instance)?.get(id) !== change) return;
        flashing.get(instance)?.delete(id);
        if (change === 'destroyed') ghosts.get(instance)?.delete(id);
        render();
      });
    }
    if (!update.state.known) {
      // A restart: what was shown is gone (its contents come with the next operation).
      flashing.delete(instance);
      ghosts.delete(instance);
    }
    if (said.length > 0) announce.textContent = said.join(' ');
    render();
  };

  const unsubscribe = [
    state.onStore(onUpdate),
    state.on((change) => {
      if (change === 'reset') {
        flashing.clear();
        ghosts.clear();
        previous.clear();
      }
      if (change === 'browser' || change === 'jar' || change === 'verify' || change === 'reset' || change === 'instances') render();
    }),
  ];
  render();
  return {
    dispose() {
      timers.clear();
      unsubscribe.forEach((off) => off());
      root.remove();
    },
  };
}
