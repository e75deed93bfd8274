// The self-check's report: one line a step with its verdict and time, why a step failed, and the
// context a reader needs (page, browser, runtime, missing Node features), in the page's language.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTranslate, type Strings } from '../../site/i18n/translate.ts';
import { formatReport, summarize, type ResultRow } from '../../site/selfcheck/report.ts';

const rows: ResultRow[] = [
  { key: 'runtime', label: 'Start the runtime', status: 'passed', ms: 4200 },
  { key: 'a/one', label: 'Lesson A › One', status: 'passed', ms: 800 },
  { key: 'a/two', label: 'Lesson A › Two', status: 'failed', ms: 1500, failures: ['counts-per-browser: Each browser counts its own views'] },
];
/** The page's t(): the browser's translate over the whole locale (the page hands its script the selfCheck namespace). */
const loadT = async (lang: string) => createTranslate(lang, JSON.parse(readFileSync(join(import.meta.dirname, '../../locales', `${lang}.json`), 'utf8')) as Strings);
const context = { url: 'https://course.example/en/self-check/', browser: 'TestBrowser/1', runtime: 'WebContainer (in your browser)', missingFeatures: ['asyncContext'], at: new Date('2026-12-01T10:00:00Z') };

describe('self-check report', () => {
  it('summarizes and reports every row, failures with why', async () => {
    expect(summarize(rows)).toEqual({ total: 3, done: 3, passed: 2, failed: 1, ms: 6500 });
    const t = await loadT('en');
    const report = formatReport(t, context, rows);
    expect(report.split('\n').slice(0, 6)).toEqual([
      'Session Lab self-check — 2026-12-01T10:00:00.000Z',
      'Page: https://course.example/en/self-check/',
      'Browser: TestBrowser/1',
      'Runtime: WebContainer (in your browser)',
      'Node features missing in this runtime: asyncContext',
      '1 of 3 steps failed on WebContainer (in your browser).',
    ]);
    expect(report).toMatch(/^passed +4\.2 s {2}Start the runtime$/m);
    expect(report).toMatch(/^failed +1\.5 s {2}Lesson A › Two$/m);
    expect(report).toMatch(/^ +- counts-per-browser: Each browser counts its own views$/m);
  });

  it('in Portuguese, all passed; with no runtime, says nothing ran', async () => {
    const t = await loadT('pt');
    const passed = rows.map((row) => ({ ...row, status: 'passed' as const, failures: [] }));
    expect(formatReport(t, { ...context, missingFeatures: [] }, passed)).toContain('As 3 etapas passaram em WebContainer (in your browser), em 6.5 s.');
    const none = formatReport(t, { ...context, runtime: null, missingFeatures: null }, rows.map((row) => ({ key: row.key, label: row.label, status: 'pending' as const })));
    expect(none).toContain('Nenhum ambiente conseguiu iniciar aqui');
    expect(none).not.toContain('Recursos do Node.js');
  });
});
