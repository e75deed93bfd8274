// The shape of a wrong answer: the code a learner could plausibly have at a step (the step's
// starter, or the lesson's solution for a late step) with one mistake made, and the checks that
// must catch it.

/** One change to the base files. */
export type Edit =
  /** `replace` must occur exactly once in the file (so a case cannot drift away from the lesson unseen). */
  | { file: string; replace: string; with: string }
  /** The whole file, as the learner wrote it. */
  | { file: string; content: string }
  /** The file as the starter (app/) or the solution has it. */
  | { file: string; from: 'app' | 'solution' };

export interface WrongAnswer {
  /** What the learner got wrong, in a few words (the test's name). */
  mistake: string;
  /** What the learner has before the mistake: the starter (app/) or the finished lesson (solution). */
  base: 'app' | 'solution';
  edits: Edit[];
  /** Exactly the checks of the step that must fail (by id). */
  fails: string[];
}

/** Step id → its wrong answers. Every step that has checks must be here with at least one. */
export type LessonWrongAnswers = Record<string, WrongAnswer[]>;
