// Every lesson's checks, run as the workbench runs them (the host, the probe, the client) with
// real Node and real express-session: the solution passes them all, the starter fails at least
// one. The code runs as each language's learner gets it (TODO comments localized). Each step's
// own starter and its plausible wrong answers are in wrong-answers.test.ts.
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadCourse, localizeFiles, type Files } from '../../lab/lessons/load.ts';
import { LANGS } from '../../lab/lessons/languages.ts';
import { LessonHost } from './fixtures/lessons/lesson-host.ts';

const root = join(import.meta.dirname, '../..');
const course = loadCourse(join(root, 'lessons'));
const hosts: LessonHost[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
});

async function started(files: Files, entry: string, env: Record<string, string>): Promise<LessonHost> {
  const host = new LessonHost();
  hosts.push(host);
  await host.start(files, entry, env);
  return host;
}

for (const lesson of course) {
  const steps = lesson.meta.steps.filter((s) => s.checks.length > 0);
  describe(`lesson ${lesson.folder}`, () => {
    test('has checks', () => {
      expect(steps.length).toBeGreaterThan(0);
    });

    for (const lang of LANGS) {
      test(`the solution passes every check (${lang})`, async () => {
        const files = localizeFiles(lesson.solution, lesson.texts[lang].text.messages, lesson.folder);
        const host = await started(files, lesson.meta.entry, lesson.meta.env);
        for (const step of steps) {
          const results = await host.check(step.checks);
          for (const r of results) expect(r, `${step.id}/${r.id}: ${JSON.stringify(r.detail)}`).toMatchObject({ passed: true });
        }
      });
    }

    test('the starter fails at least one check of the steps that ask for work', async () => {
      const files = localizeFiles(lesson.app, lesson.texts.en.text.messages, lesson.folder);
      const host = await started(files, lesson.meta.entry, lesson.meta.env);
      const failed: string[] = [];
      for (const step of steps) {
        const results = await host.check(step.checks);
        expect(results).toHaveLength(step.checks.length);
        failed.push(...results.filter((r) => !r.passed).map((r) => `${step.id}/${r.id}`));
      }
      expect(failed.length, 'the starter already passes every check').toBeGreaterThan(0);
    });
  });
}
