// Builds a wrong answer's files from the lesson's own starter or solution and the case's edits.
import type { Files, Lesson } from '../../lab/lessons/load.ts';
import type { WrongAnswer } from './types.ts';

export function wrongAnswerFiles(lesson: Lesson, answer: WrongAnswer): Files {
  const files: Files = { ...(answer.base === 'app' ? lesson.app : lesson.solution) };
  for (const edit of answer.edits) {
    if ('from' in edit) {
      const source = edit.from === 'app' ? lesson.app : lesson.solution;
      if (source[edit.file] === undefined) throw new Error(`${answer.mistake}: ${edit.from}/ has no ${edit.file}`);
      files[edit.file] = source[edit.file]!;
    } else if ('content' in edit) {
      files[edit.file] = edit.content;
    } else {
      const text = files[edit.file];
      if (text === undefined) throw new Error(`${answer.mistake}: no file ${edit.file} to edit`);
      const at = text.indexOf(edit.replace);
      if (at < 0 || text.indexOf(edit.replace, at + 1) >= 0) {
        throw new Error(`${answer.mistake}: "${edit.replace.slice(0, 60)}…" must occur exactly once in ${edit.file}`);
      }
      files[edit.file] = text.slice(0, at) + edit.with + text.slice(at + edit.replace.length);
    }
  }
  return files;
}
