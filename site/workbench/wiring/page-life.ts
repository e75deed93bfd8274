// The workbench's life with the page around it: it ends when a page without it (the outline)
// replaces it, handing the window's WebContainer back for the next workbench; a tab the local
// runner paused comes back when the learner does; theme changes reach Monaco and the terminals.
import type { LessonSession } from '../session/session-types.ts';
import { handBackWebContainer } from '../session/window-webcontainer.ts';
import { currentTheme } from './page.ts';

/** Aborts (its signal ends every listener the workbench put on the document and the window) once
 * a swap leaves `root` out of the page; the session ends then. */
export function endWithPage(root: HTMLElement, session: LessonSession): AbortController {
  const leaving = new AbortController();
  document.addEventListener(
    'astro:after-swap',
    () => {
      if (root.isConnected) return;
      leaving.abort();
      handBackWebContainer(session.dispose());
    },
    { signal: leaving.signal },
  );
  return leaving;
}

/** Shown again (a tab switch) or focused (a window beside another): a suspended session resumes.
 * Never on its own while it stays in front, so two shown pages cannot take the room from each
 * other in turn. */
export function resumeWhenShown(session: LessonSession, signal: AbortSignal): void {
  const resumeIfShown = () => {
    if (document.visibilityState === 'visible' && session.state().phase === 'suspended') void session.resume();
  };
  document.addEventListener('visibilitychange', resumeIfShown, { signal });
  window.addEventListener('focus', resumeIfShown, { signal });
}

/** Theme changes (the toggle, or the system) reach every view given here. */
export function followTheme(views: readonly { setTheme(theme: 'light' | 'dark'): void }[], signal: AbortSignal): void {
  const themeChanged = () => {
    for (const view of views) view.setTheme(currentTheme());
  };
  const observer = new MutationObserver(themeChanged);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  signal.addEventListener('abort', () => observer.disconnect());
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', themeChanged, { signal });
}
