// Every lesson's wrong answers, by lesson folder. A lesson with checks must be listed here.
import type { LessonWrongAnswers } from './types.ts';
import howSessionsWork from './01-how-sessions-work.ts';
import install from './02-install.ts';
import configure from './03-configure.ts';
import setGet from './04-set-get.ts';
import destroy from './05-destroy.ts';
import stores from './06-stores.ts';
import flash from './07-flash.ts';
import security from './08-security.ts';
import realApp from './09-real-app.ts';

export const WRONG_ANSWERS: Record<string, LessonWrongAnswers> = {
  '01-how-sessions-work': howSessionsWork,
  '02-install': install,
  '03-configure': configure,
  '04-set-get': setGet,
  '05-destroy': destroy,
  '06-stores': stores,
  '07-flash': flash,
  '08-security': security,
  '09-real-app': realApp,
};
