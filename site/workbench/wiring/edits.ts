// The learner's edits, from the editor to where they go: the edit store at once (never lost; it
// is the copy everything else reads), the session (which orders the writes to the runtime), and
// a restart once the learner pauses — never in the middle of a word. Ctrl/Cmd+S and Run restart
// at once; the session runs them after the writes already sent.
import type { Translate } from '../../i18n/translate.ts';
import type { EditorPanel } from '../editor/types.ts';
import { createRestartScheduler } from '../restart-scheduler.ts';
import type { EditStore } from '../session/edit-store.ts';
import type { LessonSession } from '../session/session-types.ts';
import type { Announcer, CurrentLesson } from './page.ts';

export interface EditsDeps {
  readonly t: Translate;
  readonly editor: EditorPanel;
  readonly store: EditStore;
  readonly session: LessonSession;
  readonly lesson: CurrentLesson;
  readonly announcer: Announcer;
}

export interface Edits {
  /** Restart now (Run, Ctrl/Cmd+S, a panel's Restart): a scheduled one is dropped. */
  restartNow(): Promise<void>;
  /** Drops the restart an edit scheduled (new files are opened, which restarts anyway). */
  cancelRestart(): void;
}

export function wireEdits({ t, editor, store, session, lesson, announcer }: EditsDeps): Edits {
  const scheduler = createRestartScheduler({ restart: () => session.restart() });
  const restartNow = async () => {
    scheduler.cancel();
    await session.restart();
  };
  editor.onChange((path, text, inserted = '') => {
    try {
      store.save(lesson.payload().lesson, path, text);
    } catch (error) {
      announcer.say(t((error as { key?: string }).key ?? 'editor.error.storageFull'));
    }
    void session.write(path, text);
    scheduler.edited(inserted);
  });
  editor.onSave(() => void restartNow());
  editor.onRun(() => void restartNow());
  return { restartNow, cancelRestart: () => scheduler.cancel() };
}
