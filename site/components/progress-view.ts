// Progress on the page: done steps marked in the outline, how far the learner is in each lesson,
// and "continue where you left off" on the course page. Works on server-rendered markup that
// names its steps with data attributes (no framework, no re-render of the outline):
//   <a data-progress-step="lesson/step">…</a>                        marked done / visited
//   <li data-progress-lesson="lesson" data-progress-steps="s1 s2 s3">  gets "2 of 3 steps done"
//     (filled into its [data-progress-count] descendant when it has one, else appended)
import { stepUrl } from '../course/urls.ts';
import type { Lang } from '../i18n/index.ts';
import type { Translate } from '../i18n/translate.ts';
import { el } from '../workbench/dom.ts';
import './progress.css';
import type { Progress } from './progress.ts';

export interface OutlineDeps {
  readonly t: Translate;
  readonly progress: Progress;
}

export interface OutlineDecoration {
  refresh(): void;
  dispose(): void;
}

const splitKey = (key: string) => {
  const slash = key.indexOf('/');
  return slash <= 0 ? null : { lesson: key.slice(0, slash), step: key.slice(slash + 1) };
};

/**
 * A translate function over ready strings, for pages that do not load i18next (the course page):
 * `{ 'inspect.progress.continue': 'Continue where you left off: {{title}}', … }` — the page renders
 * them with its own t(key, { title: '{{title}}' }). Unknown keys come back as the key.
 */
export function templateTranslate(templates: Readonly<Record<string, string>>): Translate {
  return (key, values = {}) =>
    (templates[key] ?? key).replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** The strings decorateOutline and mountContinue use (for templateTranslate). */
export const PROGRESS_KEYS = ['inspect.progress.doneMark', 'inspect.progress.count', 'inspect.progress.continue', 'inspect.progress.overall'] as const;

/** A link's words, without our marks. */
function linkText(link: HTMLElement): string {
  const copy = link.cloneNode(true) as HTMLElement;
  copy.querySelectorAll('.inspect-progress-mark').forEach((node) => node.remove());
  return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** Marks the outline's steps and counts each lesson's done steps; follows later changes. */
export function decorateOutline(root: ParentNode, deps: OutlineDeps): OutlineDecoration {
  const { t, progress } = deps;
  const refresh = () => {
    for (const link of root.querySelectorAll<HTMLElement>('[data-progress-step]')) {
      const place = splitKey(link.getAttribute('data-progress-step') ?? '');
      if (!place) continue;
      const done = progress.isDone(place.lesson, place.step);
      link.setAttribute('data-done', String(done));
      link.setAttribute('data-visited', String(progress.isVisited(place.lesson, place.step)));
      let mark = link.querySelector<HTMLElement>(':scope > .inspect-progress-mark');
      if (done && !mark) {
        mark = el('span', { class: 'visually-hidden' }, t('inspect.progress.doneMark'));
        mark.classList.add('inspect-progress-mark');
        link.append(mark);
      } else if (!done) mark?.remove();
    }
    for (const lesson of root.querySelectorAll<HTMLElement>('[data-progress-lesson]')) {
      const id = lesson.getAttribute('data-progress-lesson') ?? '';
      const steps = (lesson.getAttribute('data-progress-steps') ?? '').split(/\s+/).filter(Boolean);
      if (!id || steps.length === 0) continue;
      const { done, total } = progress.count(id, steps);
      lesson.setAttribute('data-progress-done', String(done));
      lesson.setAttribute('data-progress-complete', String(done === total));
      let slot = lesson.querySelector<HTMLElement>('[data-progress-count]');
      if (!slot) {
        slot = el('span', { class: 'inspect-progress-count', 'data-progress-count': '' });
        lesson.append(slot);
      }
      slot.replaceChildren(
        el('progress', { class: 'inspect-progress-bar', max: total, value: done, 'aria-hidden': 'true' }),
        ' ',
        t('inspect.progress.count', { done, total }),
      );
    }
  };
  const off = progress.onChange(refresh);
  refresh();
  return {
    refresh,
    dispose() {
      off();
      root.querySelectorAll('.inspect-progress-mark, .inspect-progress-count').forEach((node) => node.remove());
    },
  };
}

export interface ContinueDeps {
  readonly t: Translate;
  readonly progress: Progress;
  /** The page's language: the link goes to the step in it (ids are the same in every language). */
  readonly lang: Lang;
  /** Where titles are looked up (`[data-progress-step]` links; default: document). */
  readonly document?: ParentNode;
}

export interface ContinueLink {
  dispose(): void;
}

/** "Continue where you left off: <step>" and "n of m steps done", once the learner has been somewhere. */
export function mountContinue(container: HTMLElement, deps: ContinueDeps): ContinueLink {
  const { t, progress, lang } = deps;
  const doc = deps.document ?? document;
  const root = el('div', { class: 'inspect-continue', hidden: true });
  container.append(root);
  const render = () => {
    const last = progress.last();
    if (!last) {
      root.hidden = true;
      root.replaceChildren();
      return;
    }
    const key = `${last.lesson}/${last.step}`;
    const anchor = doc.querySelector<HTMLElement>(`[data-progress-step="${CSS.escape(key)}"]`);
    const title = anchor ? linkText(anchor) || key : key;
    const keys = new Set([...doc.querySelectorAll('[data-progress-step]')].map((node) => node.getAttribute('data-progress-step') ?? ''));
    const done = [...keys].filter((k) => {
      const place = splitKey(k);
      return place !== null && progress.isDone(place.lesson, place.step);
    }).length;
    root.hidden = false;
    const link = el('a', { class: 'inspect-continue-link', href: stepUrl(lang, last.lesson, last.step) }, t('inspect.progress.continue', { title }));
    root.replaceChildren(link, ...(keys.size > 0 ? [el('p', { class: 'inspect-muted' }, t('inspect.progress.overall', { done, total: keys.size }))] : []));
  };
  const off = progress.onChange(render);
  render();
  return {
    dispose() {
      off();
      root.remove();
    },
  };
}
