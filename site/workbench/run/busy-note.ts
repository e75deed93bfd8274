// What the boot panel says while the server is busy (its event loop blocked: an endless loop?):
// that it is stuck, for how long, and the way out (Restart, or Stop). The seconds count on screen
// only: the panel is a live region, and a number announced every second would drown the rest.
import { el, type Translate } from './ui.ts';

export interface BusyNote {
  readonly node: HTMLElement;
  /** The server has been busy since `since` (ms since the epoch): shows the seconds so far. */
  show(since: number): void;
  /** Updates the seconds (the panel's clock calls it every second). */
  tick(): void;
}

export function createBusyNote(t: Translate, actions: { restart(): void; stop(): void }): BusyNote {
  let since = Date.now();
  const elapsed = el('p', { class: 'run-help run-busy-elapsed', 'aria-hidden': 'true' });
  const restart = el('button', { type: 'button', class: 'run-primary', 'data-action': 'busy-restart' }, t('fault.busy.restart'));
  const stop = el('button', { type: 'button', 'data-action': 'busy-stop' }, t('run.controls.stop'));
  restart.addEventListener('click', () => actions.restart());
  stop.addEventListener('click', () => actions.stop());
  const node = el(
    'div',
    { class: 'run-busy', 'data-fault': 'busy' },
    el('p', { class: 'run-message-title' }, t('fault.busy.title')),
    el('p', {}, t('fault.busy.body')),
    elapsed,
    el('div', { class: 'run-actions' }, restart, stop),
  );
  const tick = () => {
    const text = t('fault.busy.elapsed', { seconds: Math.max(0, Math.floor((Date.now() - since) / 1000)) });
    if (elapsed.textContent !== text) elapsed.textContent = text;
  };
  return {
    node,
    show(at) {
      since = at;
      tick();
    },
    tick,
  };
}
