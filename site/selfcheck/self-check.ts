// The self-check, live: boots the runtime this browser would use (the learner's runtime setting,
// automatic by default: the local runner where `npm start` serves the page, else a WebContainer),
// runs every lesson's solution against that lesson's checks through the same session, host and
// checks as "Check my work", and fills the table the page rendered (step, passed/failed, time).
// "Copy report" gives the results as plain text (report.ts). The WebContainer is the window's
// one (window-webcontainer.ts): reached from a step page, the self-check reuses it.
import { loadT } from '../i18n/client.ts';
import { createTranslate, type Translate } from '../i18n/translate.ts';
import { siteUrl } from '../course/urls.ts';
import { HOST_FEATURES } from '../../lab/protocol/host.ts';
import type { CheckResult } from '../../lab/protocol/checks.ts';
import { errorText } from '../workbench/session/session-text.ts';
import { createLessonSession } from '../workbench/session/session.ts';
import type { LessonSession } from '../workbench/session/session-types.ts';
import { loadLabFiles } from '../workbench/session/lab-files.ts';
import { mountBootPanel, type BootPanel } from '../workbench/run/boot-panel.ts';
import { readPreference } from '../workbench/session/preference.ts';
import { bootWindowWebContainer, handBackWebContainer } from '../workbench/session/window-webcontainer.ts';
import type { LessonPayload } from '../workbench/lesson-data.ts';
import { RUNTIME_ROW, readSelfCheckData, readSelfCheckStrings, rowKey, type SelfCheckData, type SelfCheckLesson } from './data.ts';
import { formatReport, seconds, summarize, type ResultRow } from './report.ts';

const slot = (root: HTMLElement, name: string) => root.querySelector<HTMLElement>(`[data-slot="${name}"]`)!;
const action = (root: HTMLElement, name: string) => root.querySelector<HTMLButtonElement>(`[data-action="${name}"]`)!;

export async function mountSelfCheck(root: HTMLElement): Promise<void> {
  const data = readSelfCheckData();
  if (!data) throw new Error('no self-check data on this page');
  // The workbench's strings (the boot panel, runtime names and errors), and the page's own.
  const shared = await loadT(data.lang);
  const own = createTranslate(data.lang, { selfCheck: readSelfCheckStrings() });
  const t: Translate = (key, values) => (key.startsWith('selfCheck.') ? own(key, values) : shared(key, values));
  const run = action(root, 'run');
  const copy = action(root, 'copy');
  const summary = slot(root, 'summary');
  const reportBox = root.querySelector<HTMLDetailsElement>('[data-slot="report"]')!;
  const reportText = reportBox.querySelector('pre')!;
  const copyStatus = slot(root, 'copy-status');

  let session: LessonSession | null = null;
  let panel: BootPanel | null = null;
  let report = '';
  const leaving = new AbortController();
  const release = () => {
    panel?.dispose();
    panel = null;
    if (session) handBackWebContainer(session.dispose());
    session = null;
  };
  // A page without the self-check replaced it: its session ends and hands the WebContainer back.
  document.addEventListener(
    'astro:after-swap',
    () => {
      if (root.isConnected) return;
      leaving.abort();
      release();
    },
    { signal: leaving.signal },
  );

  run.disabled = false;
  run.onclick = async () => {
    run.disabled = true;
    copy.disabled = true;
    copyStatus.textContent = '';
    reportBox.hidden = true;
    release();
    const fresh = createLessonSession({
      preference: readPreference,
      labFiles: loadLabFiles,
      snapshotUrl: siteUrl('runtime/deps.snapshot'),
      createWebContainer: bootWindowWebContainer,
    });
    session = fresh;
    panel = mountBootPanel(slot(root, 'boot'), { t, session: fresh });
    const rows = await checkEverything(root, t, data, fresh, (text) => (summary.textContent = text));
    if (session !== fresh) return;
    const state = fresh.state();
    const runtime = state.runtime && state.phase !== 'failed' && state.phase !== 'readonly' ? t(`run.runtime.${state.runtime}`) : null;
    const found = state.hostFeatures?.features;
    report = formatReport(
      t,
      {
        url: location.href,
        browser: navigator.userAgent,
        runtime,
        missingFeatures: found ? HOST_FEATURES.filter((name) => !found[name]) : null,
        at: new Date(),
      },
      rows,
    );
    reportText.textContent = report;
    reportBox.hidden = false;
    const result = summarize(rows);
    summary.textContent =
      runtime === null
        ? t('selfCheck.noRuntime')
        : result.failed === 0 && result.done === result.total
          ? t('selfCheck.allPassed', { total: result.total, runtime, seconds: seconds(result.ms) })
          : t('selfCheck.someFailed', { failed: result.total - result.passed, total: result.total, runtime });
    root.dataset.done = result.failed === 0 && result.done === result.total ? 'passed' : 'failed';
    run.disabled = false;
    copy.disabled = false;
  };

  copy.onclick = async () => {
    try {
      await navigator.clipboard.writeText(report);
      copyStatus.textContent = t('selfCheck.copied');
    } catch {
      reportBox.open = true;
      copyStatus.textContent = t('selfCheck.copyFailed');
    }
  };
}

/** Runs every lesson's solution and its steps' checks, updating the table as it goes. */
async function checkEverything(
  root: HTMLElement,
  t: Translate,
  data: SelfCheckData,
  session: LessonSession,
  say: (text: string) => void,
): Promise<ResultRow[]> {
  const rows = new Map<string, ResultRow>();
  const show = (row: ResultRow) => {
    rows.set(row.key, row);
    renderRow(root, t, row);
  };
  const labelOf = (key: string) => root.querySelector<HTMLElement>(`tr[data-row="${key}"] th`)?.textContent?.trim() ?? key;
  const all = [RUNTIME_ROW, ...data.lessons.flatMap((lesson) => lesson.steps.map((step) => rowKey(lesson.id, step.id)))];
  for (const key of all) show({ key, label: labelOf(key), status: 'pending' });
  const total = all.length;
  const ordered = () => all.map((key) => rows.get(key)!);

  let done = 0;
  const progress = () => say(t('selfCheck.progress', { done: Math.min(done + 1, total), total }));
  progress();

  show({ key: RUNTIME_ROW, label: labelOf(RUNTIME_ROW), status: 'running' });
  const bootStarted = performance.now();
  let first = true;
  for (const lesson of data.lessons) {
    const opening = performance.now();
    await session.open(payloadOf(data, lesson), { ...lesson.files });
    const state = session.state();
    if (first) {
      first = false;
      const up = state.phase !== 'failed' && state.phase !== 'readonly' && session.host() !== null;
      show({
        key: RUNTIME_ROW,
        label: labelOf(RUNTIME_ROW),
        status: up ? 'passed' : 'failed',
        ms: performance.now() - bootStarted,
        ...(up ? {} : { failures: [state.error ? errorText(t, state.error) : t('run.runtime.none')] }),
      });
      done += 1;
      if (!up) return ordered();
    }
    const startMs = performance.now() - opening;
    const host = session.host();
    for (const [index, step] of lesson.steps.entries()) {
      const key = rowKey(lesson.id, step.id);
      progress();
      if (state.phase !== 'running' || !host) {
        const why = state.lastError?.message ?? (state.error ? errorText(t, state.error) : t('selfCheck.serverDidNotStart'));
        show({ key, label: labelOf(key), status: 'failed', ...(index === 0 ? { ms: startMs } : {}), failures: [`${t('selfCheck.serverDidNotStart')}: ${why}`] });
        done += 1;
        continue;
      }
      show({ key, label: labelOf(key), status: 'running' });
      const started = performance.now();
      let results: CheckResult[] = [];
      let failure: string | null = null;
      try {
        results = await host.check(step.checks);
      } catch (error) {
        failure = errorText(t, { key: (error as { key?: string }).key ?? 'runtime.error.internal', detail: {} });
      }
      const failed = results.filter((result) => !result.passed);
      const passed = failure === null && results.length === step.checks.length && failed.length === 0;
      show({
        key,
        label: labelOf(key),
        status: passed ? 'passed' : 'failed',
        ms: performance.now() - started,
        ...(passed ? {} : { failures: failure ? [failure] : failed.map((result) => `${result.id}: ${lesson.messages[result.message] ?? result.message}`) }),
      });
      done += 1;
    }
  }
  return ordered();
}

function renderRow(root: HTMLElement, t: Translate, row: ResultRow): void {
  const tr = root.querySelector<HTMLTableRowElement>(`tr[data-row="${row.key}"]`);
  if (!tr) return;
  tr.dataset.status = row.status;
  const [result, time] = [tr.querySelector<HTMLElement>('[data-cell="result"]')!, tr.querySelector<HTMLElement>('[data-cell="time"]')!];
  result.replaceChildren(t(`selfCheck.${row.status}`));
  if (row.failures?.length) {
    const list = document.createElement('ul');
    for (const failure of row.failures) list.append(Object.assign(document.createElement('li'), { textContent: failure }));
    result.append(list);
  }
  time.textContent = row.ms === undefined ? '' : t('selfCheck.seconds', { seconds: seconds(row.ms) });
}

/** What the session needs to run a lesson: its entry, environment and files (no step of it is shown). */
function payloadOf(data: SelfCheckData, lesson: SelfCheckLesson): LessonPayload {
  return {
    lang: data.lang,
    lesson: lesson.id,
    step: lesson.steps[0]?.id ?? '',
    entry: lesson.entry,
    env: { ...lesson.env },
    open: [],
    files: { ...lesson.files },
    solution: { ...lesson.files },
    routes: [],
    view: 'session',
    checks: [],
    messages: { ...lesson.messages },
  };
}
