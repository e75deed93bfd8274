// The wrong-answers suite: for every step that has checks, its checks must fail on the lesson's
// starter and on each plausible wrong answer kept in tests/wrong-answers/ (the starter or the
// solution with one mistake made), and fail exactly with the checks the case names. The checks
// run as the workbench runs them: the host, the probe and the request client of lab/inside,
// with real Node and express-session. A check that lets a mistake through fails here.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadCourse, localizeFiles } from '../../lab/lessons/load.ts';
import { LessonHost } from './fixtures/lessons/lesson-host.ts';
import { WRONG_ANSWERS } from '../wrong-answers/index.ts';
import { wrongAnswerFiles } from '../wrong-answers/apply.ts';

const root = join(import.meta.dirname, '../..');
const course = loadCourse(join(root, 'lessons'));

test('every lesson with checks has its wrong answers, and only steps with checks are listed', () => {
  for (const lesson of course) {
    const checked = lesson.meta.steps.filter((s) => s.checks.length > 0).map((s) => s.id);
    const listed = WRONG_ANSWERS[lesson.folder] ?? {};
    expect(Object.keys(listed).sort(), lesson.folder).toEqual([...checked].sort());
    for (const step of checked) expect(listed[step]!.length, `${lesson.folder} ${step}`).toBeGreaterThan(0);
  }
  expect(Object.keys(WRONG_ANSWERS).sort()).toEqual(course.map((l) => l.folder).sort());
});

for (const lesson of course) {
  const messages = lesson.texts.en.text.messages;
  describe(`${lesson.folder}`, () => {
    let host: LessonHost;
    beforeAll(() => {
      host = new LessonHost();
    });
    afterAll(async () => {
      await host?.close();
    });

    for (const step of lesson.meta.steps.filter((s) => s.checks.length > 0)) {
      const ids = step.checks.map((c) => c.id);
      const run = async (files: Record<string, string>) => {
        await host.start(localizeFiles(files, messages, lesson.folder), lesson.meta.entry, lesson.meta.env);
        const results = await host.check(step.checks);
        expect(results.map((r) => r.id)).toEqual(ids);
        return results;
      };

      test(`${step.id}: the starter fails it`, async () => {
        const results = await run(lesson.app);
        expect(results.filter((r) => !r.passed).map((r) => r.id), 'the starter passes every check of this step').not.toEqual([]);
      });

      for (const answer of WRONG_ANSWERS[lesson.folder]?.[step.id] ?? []) {
        test(`${step.id}: rejects ${answer.mistake}`, async () => {
          const results = await run(wrongAnswerFiles(lesson, answer));
          const failed = results.filter((r) => !r.passed);
          expect(failed.map((r) => r.id), JSON.stringify(failed.map((r) => [r.id, r.detail]))).toEqual(answer.fails);
          // Each failure says which check and why, with the check's own message and hint keys.
          for (const r of failed) {
            const check = step.checks.find((c) => c.id === r.id)!;
            expect(r.message).toBe(check.message);
            expect(r.hint).toBe(check.hint);
            expect(messages[r.message], `${lesson.folder}: message ${r.message}`).toBeTypeOf('string');
            expect(r.detail).not.toBeNull();
          }
        });
      }
    }
  });
}
