// Every lesson's checks, run as the workbench runs them (the host, the probe, the client) with
// real Node and real express-session: the solution passes them all, the starter fails at least
// one. The code runs as each language's learner gets it (TODO comments localized).
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadCourse, localizeFiles, type Files } from '../../lab/lessons/load.ts';
import { LANGS } from '../../lab/lessons/languages.ts';
import { HostDriver, type Json } from './fixtures/inside/harness.ts';

const root = join(import.meta.dirname, '../..');
const course = loadCourse(join(root, 'lessons'));
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0)) await clean();
});

function workspace(files: Files): string {
  const dir = mkdtempSync(join(tmpdir(), 'lesson-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function runChecks(files: Files, entry: string, env: Record<string, string>) {
  const host = new HostDriver(workspace(files));
  cleanups.push(() => host.close());
  const started = await host.command('start', { entry, env });
  expect(started.ok, JSON.stringify(started)).toBe(true);
  await host.waitFrame((f) => f.t === 'event' && f.event.type === 'listening', 10_000);
  return async (checks: Json[]) => {
    const reply = await host.command('check', { checks }, 60_000);
    expect(reply.ok, JSON.stringify(reply)).toBe(true);
    return reply.result as Json[];
  };
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
        const check = await runChecks(files, lesson.meta.entry, lesson.meta.env);
        for (const step of steps) {
          const results = await check(step.checks);
          for (const r of results) expect(r, `${step.id}/${r.id}: ${JSON.stringify(r.detail)}`).toMatchObject({ passed: true });
        }
      });
    }

    test('the starter fails at least one check of the steps that ask for work', async () => {
      const files = localizeFiles(lesson.app, lesson.texts.en.text.messages, lesson.folder);
      const check = await runChecks(files, lesson.meta.entry, lesson.meta.env);
      const failed: string[] = [];
      for (const step of steps) {
        const results = await check(step.checks);
        expect(results).toHaveLength(step.checks.length);
        failed.push(...results.filter((r) => !r.passed).map((r) => `${step.id}/${r.id}`));
      }
      expect(failed.length, 'the starter already passes every check').toBeGreaterThan(0);
    });
  });
}
