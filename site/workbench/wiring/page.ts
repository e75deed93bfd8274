// What every wiring module reads of the workbench's element and of the page: its slots and
// actions by name, the theme in effect, the one live region where the workbench speaks, and the
// lesson on show (it changes with client-side navigation).
import type { LessonPayload } from '../lesson-data.ts';

export const slot = <T extends HTMLElement = HTMLElement>(root: HTMLElement, name: string) => root.querySelector<T>(`[data-slot="${name}"]`)!;
export const action = (root: HTMLElement, name: string) => root.querySelector<HTMLButtonElement>(`[data-action="${name}"]`)!;

export const currentTheme = (): 'light' | 'dark' => {
  const forced = document.documentElement.getAttribute('data-theme');
  if (forced === 'light' || forced === 'dark') return forced;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
};

/** The workbench's live region: what an action did, where the server failed. */
export interface Announcer {
  say(text: string): void;
  /** What it says now. */
  said(): string;
}

export function announcer(root: HTMLElement): Announcer {
  const region = slot(root, 'announce');
  return {
    say: (text) => void (region.textContent = text),
    said: () => region.textContent ?? '',
  };
}

/** The lesson on show: the page's payload, replaced when navigation shows another step. */
export interface CurrentLesson {
  payload(): LessonPayload;
  set(next: LessonPayload): void;
}

export function currentLesson(first: LessonPayload): CurrentLesson {
  let payload = first;
  return {
    payload: () => payload,
    set: (next) => void (payload = next),
  };
}
