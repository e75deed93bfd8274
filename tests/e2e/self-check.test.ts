// The self-check page on the local runner (`npm start`): one click runs every lesson's solution
// against its checks and every step passes; the report can be copied. (The same page through a
// WebContainer, on the stand-in, is in webcontainer.test.ts.)
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadCourse } from '../../lab/lessons/load.ts';
import { repoRoot } from '../../scripts/lib/course-server.ts';
import { base, say, useBrowser } from './support.ts';

const course = loadCourse(join(repoRoot, 'lessons'));
const checkedSteps = course.flatMap((lesson) => lesson.meta.steps.filter((step) => step.checks.length > 0));

describe('the self-check on the local runner', () => {
  const fixture = useBrowser({ clipboard: true });

  it('passes every lesson, says so, and copies its report (es)', async () => {
    const { page } = fixture;
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${base}/es/self-check/`);
    const rows = page.locator('self-check tbody tr');
    expect(await rows.count()).toBe(1 + checkedSteps.length);
    await page.getByRole('button', { name: say('es', 'selfCheck.run') }).click();
    await expect.poll(() => page.locator('self-check').getAttribute('data-done'), { timeout: 120_000, interval: 500 }).not.toBeNull();
    const failed = await page.locator('self-check tr[data-status="failed"]').allInnerTexts();
    expect(failed).toEqual([]);
    expect(await page.locator('self-check tr[data-status="passed"]').count()).toBe(1 + checkedSteps.length);
    expect(await page.locator('self-check').getAttribute('data-done')).toBe('passed');
    const runtime = say('es', 'run.runtime.local');
    expect(await page.locator('[data-slot="summary"]').innerText()).toContain(runtime);

    await page.getByRole('button', { name: say('es', 'selfCheck.copy') }).click();
    await expect.poll(() => page.locator('[data-slot="copy-status"]').innerText()).toBe(say('es', 'selfCheck.copied'));
    const report = await page.evaluate(() => navigator.clipboard.readText());
    expect(report).toContain(say('es', 'selfCheck.reportTitle'));
    expect(report).toContain(say('es', 'selfCheck.reportRuntime', { runtime }));
    expect(report.split('\n').filter((line) => line.startsWith(say('es', 'selfCheck.passed')))).toHaveLength(1 + checkedSteps.length);
    expect(errors).toEqual([]);
  });
});
