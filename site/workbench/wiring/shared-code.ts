// Links that carry code (share/code-link.ts): the learner's changes in the fragment. An incoming
// one is shown beside the reader's own code and changes nothing until "Use this code" (undoable,
// through the edit store); "Keep mine" leaves everything as it was.
import type { Translate } from '../../i18n/translate.ts';
import type { EditorPanel } from '../editor/types.ts';
import type { EditStore } from '../session/edit-store.ts';
import type { Files } from '../session/files.ts';
import { mountSharePanel, type SharePanel } from '../share/share-panel.ts';
import type { FileActions } from './file-actions.ts';
import { action, slot, type Announcer, type CurrentLesson } from './page.ts';

export interface SharedCodeDeps {
  readonly t: Translate;
  readonly editor: EditorPanel;
  readonly store: EditStore;
  readonly lesson: CurrentLesson;
  readonly announcer: Announcer;
  readonly files: FileActions;
}

export interface SharedCode {
  /** Reads a `#code=` fragment, if any, and offers its code. */
  open(): Promise<void>;
  /** Ends an offer (the fragment goes, the comparison closes), saying `message` if given. */
  settle(message?: string): Promise<void>;
  /** An offer or a notice is on show. */
  readonly shown: boolean;
}

export function bindSharedCode(root: HTMLElement, deps: SharedCodeDeps): SharedCode {
  const { t, editor, store, lesson, announcer } = deps;
  const share = mountSharePanel(slot(root, 'share'), t);
  const payload = () => lesson.payload();
  const learnerFiles = () => store.files(payload().lesson);

  bindCopyCodeLink(root, deps, share);

  /** The shared code on show beside the learner's (null when none is offered). */
  let offered: Files | null = null;
  const settle = async (message?: string) => {
    const { withoutCode } = await import('../share/code-link.ts');
    history.replaceState(history.state, '', withoutCode(location.href));
    if (offered && editor.solutionShown() && !deps.files.solutionChosen()) editor.hideSolution();
    offered = null;
    share.hide();
    if (message) announcer.say(message);
  };
  const offer = (shared: Files, changed: string[], mine: Files) => {
    offered = shared;
    // Show a changed file the reader has (a file only the link has cannot sit beside theirs).
    const beside = changed.find((path) => path in mine);
    if (beside) editor.openFile(beside);
    editor.showSolution(shared, 'shared');
    share.offer(changed.map((path) => ({ path, added: !(path in mine) })), {
      use: () => {
        const next = store.apply(payload().lesson, shared);
        void settle().then(() => deps.files.replaceFiles(next, t('share.used')));
      },
      keep: () => void settle(t('share.kept')),
    });
  };
  const open = async () => {
    if (!location.hash.startsWith('#code=')) return;
    const { readCodeLink, changedFiles } = await import('../share/code-link.ts');
    const read = readCodeLink(location.hash, payload().lesson);
    if (read.kind === 'damaged') return share.notice(t('share.damaged'), () => void settle());
    if (read.kind === 'otherLesson') return share.notice(t('share.otherLesson', { lesson: read.lesson }), () => void settle());
    if (read.kind !== 'code') return;
    const shared = { ...payload().files, ...read.code.files };
    const mine = learnerFiles();
    const changed = Object.keys(changedFiles(shared, mine)).sort();
    if (changed.length === 0) return settle(t('share.same'));
    offer(shared, changed, mine);
  };

  return {
    open,
    settle,
    get shown() {
      return share.shown;
    },
  };
}

/** "Copy link with my code": the learner's changes in the link, or the zip when too long for one. */
function bindCopyCodeLink(root: HTMLElement, { t, store, lesson, announcer, files }: SharedCodeDeps, share: SharePanel): void {
  action(root, 'copy-code-link').onclick = async () => {
    const { codeLink } = await import('../share/code-link.ts');
    const payload = lesson.payload();
    const made = codeLink(`${location.origin}${location.pathname}`, payload.lesson, store.files(payload.lesson), payload.files);
    if (made.kind === 'tooLong') return share.tooLong(made.length, made.max, () => void files.download());
    share.hide();
    try {
      await navigator.clipboard.writeText(made.url);
      announcer.say(made.kind === 'link' ? t('share.copied', { count: made.files }) : t('share.unchanged'));
    } catch {
      share.copyByHand(made.url);
    }
  };
}
