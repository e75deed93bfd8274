// Where the learner's server failed, shown where they look: markers at the line in the editor,
// and a sentence in the live region. Once the server runs again the sentence goes — that one
// only: a running server must not wipe what an action said meanwhile ("reset to the starter", a
// copied link).
import type { Translate } from '../../i18n/translate.ts';
import type { EditorPanel } from '../editor/types.ts';
import type { LessonSession } from '../session/session-types.ts';
import type { Announcer } from './page.ts';

export function showServerErrors({ t, session, editor, announcer }: { t: Translate; session: LessonSession; editor: EditorPanel; announcer: Announcer }): void {
  let errorSaid = '';
  session.onState((state) => {
    const error = state.phase === 'crashed' ? state.lastError : undefined;
    editor.setMarkers(error?.file && error.line ? [{ path: error.file, line: error.line, column: error.column, message: error.message }] : []);
    if (error) {
      errorSaid = error.file && error.line ? t('workbench.serverError', { file: error.file, line: error.line, message: error.message }) : t('workbench.serverErrorNoPlace', { message: error.message });
      announcer.say(errorSaid);
    } else if (state.phase === 'running' && errorSaid) {
      if (announcer.said() === errorSaid) announcer.say('');
      errorSaid = '';
    }
  });
}
