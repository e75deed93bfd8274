// The self-check's results as data, and the plain-text report a person copies and sends (pure:
// the page renders the same rows).
import type { Translate } from '../i18n/translate.ts';

export type RowStatus = 'pending' | 'running' | 'passed' | 'failed';

export interface ResultRow {
  readonly key: string;
  /** What was checked, in the page's language (lesson › step). */
  readonly label: string;
  readonly status: RowStatus;
  readonly ms?: number;
  /** Why it failed (check messages in the page's language, or an error). */
  readonly failures?: readonly string[];
}

export interface ReportContext {
  readonly url: string;
  readonly browser: string;
  /** The runtime that ran, in the page's language; null when none could start. */
  readonly runtime: string | null;
  /** Node features the host found missing (null: the host never said). */
  readonly missingFeatures: readonly string[] | null;
  readonly at: Date;
}

export interface Summary {
  readonly total: number;
  readonly done: number;
  readonly passed: number;
  readonly failed: number;
  readonly ms: number;
}

export function summarize(rows: readonly ResultRow[]): Summary {
  const passed = rows.filter((row) => row.status === 'passed').length;
  const failed = rows.filter((row) => row.status === 'failed').length;
  return { total: rows.length, done: passed + failed, passed, failed, ms: rows.reduce((sum, row) => sum + (row.ms ?? 0), 0) };
}

export const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** Lines anyone can paste in a message: where, which browser and runtime, then one line a row. */
export function formatReport(t: Translate, context: ReportContext, rows: readonly ResultRow[]): string {
  const summary = summarize(rows);
  const runtime = context.runtime ?? t('run.runtime.none');
  const verdict =
    context.runtime === null
      ? t('selfCheck.noRuntime')
      : summary.failed === 0 && summary.done === summary.total
        ? t('selfCheck.allPassed', { total: summary.total, runtime, seconds: seconds(summary.ms) })
        : t('selfCheck.someFailed', { failed: summary.total - summary.passed, total: summary.total, runtime });
  const lines = [
    `${t('selfCheck.reportTitle')} — ${context.at.toISOString()}`,
    t('selfCheck.reportPage', { url: context.url }),
    t('selfCheck.reportBrowser', { browser: context.browser }),
    t('selfCheck.reportRuntime', { runtime }),
    ...(context.missingFeatures === null
      ? []
      : [context.missingFeatures.length === 0 ? t('selfCheck.reportNoFeaturesMissing') : t('selfCheck.reportFeatures', { features: context.missingFeatures.join(', ') })]),
    verdict,
    '',
  ];
  const width = Math.max(...rows.map((row) => t(`selfCheck.${row.status}`).length));
  for (const row of rows) {
    const time = row.ms === undefined ? '' : t('selfCheck.seconds', { seconds: seconds(row.ms) });
    lines.push(`${t(`selfCheck.${row.status}`).padEnd(width)}  ${time.padStart(8)}  ${row.label}`);
    for (const failure of row.failures ?? []) lines.push(`${' '.repeat(width + 12)}- ${failure}`);
  }
  return `${lines.join('\n')}\n`;
}
