// The output tabs and what they show: the views behind a tab load with it (the diagram first
// where a lesson opens on it), each drawing what the inspector's state gathered meanwhile; the
// preview starts on the lesson's first page and loads nothing until its tab is shown; the shell
// (a WebContainer's own, for the install lesson's npm install) starts when its tab is opened, and
// its tab stays hidden where the runtime has none (the local runner).
import type { Translate } from '../../i18n/translate.ts';
import type { Progress } from '../../components/progress.ts';
import type { InspectState } from '../inspect/index.ts';
import { mountWorkbenchLayout, type WorkbenchLayout } from '../layout/workbench-layout.ts';
import { lazyView } from '../lazy-view.ts';
import type { LessonPayload } from '../lesson-data.ts';
import { connectShell, hasShell, type ShellConnection } from '../run/shell.ts';
import { mountTerminal } from '../run/terminal-panel.ts';
import type { LessonSession } from '../session/session-types.ts';
import { currentTheme, slot, type CurrentLesson } from './page.ts';

export interface OutputTabsDeps {
  readonly t: Translate;
  readonly session: LessonSession;
  readonly lesson: CurrentLesson;
  readonly state: InspectState;
  readonly progress: Progress;
}

export const firstPage = (payload: LessonPayload): string => payload.routes.find((route) => route.method === 'GET')?.path ?? '/';

export function outputViews(root: HTMLElement, { t, session, lesson, state, progress }: OutputTabsDeps) {
  const common = { t, session, payload: () => lesson.payload(), state };
  return {
    diagram: lazyView(() => import('../inspect/sequence-view.ts').then((m) => m.mountSequence(slot(root, 'inspect-sequence'), common))),
    timeline: lazyView(() => import('../inspect/timeline-view.ts').then((m) => m.mountTimeline(slot(root, 'inspect-timeline'), common))),
    checks: lazyView(() => import('../inspect/checks-panel.ts').then((m) => m.mountChecks(slot(root, 'inspect-checks'), { ...common, progress }))),
    preview: lazyView(() => import('../run/preview-panel.ts').then((m) => m.mountPreview(slot(root, 'preview'), { t, session, path: firstPage(lesson.payload()), visible: false }))),
  };
}
export type OutputViews = ReturnType<typeof outputViews>;

/** Opens the shell on its first showing (again after it ended); hides its tab where there is none. */
function shellTab(root: HTMLElement, t: Translate, session: LessonSession): () => Promise<void> {
  const tab = root.querySelector<HTMLButtonElement>('[data-tab="shell"]')!;
  let open = false;
  session.onState(() => (tab.hidden = !hasShell(session.runtime())));
  return async () => {
    if (open) return;
    open = true;
    let shell: ShellConnection | null = null;
    const terminal = mountTerminal(slot(root, 'shell'), { t, theme: currentTheme, label: t('workbench.shellLabel'), onInput: (data) => shell?.input(data) });
    shell = await connectShell(session.runtime(), {
      write: (data) => terminal.write(data),
      ended: (code) => {
        terminal.notice(t('workbench.shellEnded', { code }));
        open = false;
      },
    });
  };
}

export function mountOutputTabs(root: HTMLElement, deps: OutputTabsDeps): { views: OutputViews; layout: WorkbenchLayout } {
  const views = outputViews(root, deps);
  const openShell = shellTab(root, deps.t, deps.session);
  const layout = mountWorkbenchLayout(root, {
    onTab: (tab) => {
      if (tab === 'preview') void views.preview.show().then((preview) => preview?.setVisible(layout.selectedTab() === 'preview'));
      else views.preview.current()?.setVisible(false);
      if (tab === 'shell') void openShell();
      if (tab === 'diagram') void views.diagram.show().then((view) => view?.refresh());
      if (tab === 'timeline') void views.timeline.show();
      if (tab === 'checks') void views.checks.show();
    },
  });
  if (layout.selectedTab() === 'diagram') void views.diagram.show();
  return { views, layout };
}
