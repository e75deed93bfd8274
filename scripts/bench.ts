// `npm run bench`: the figures we hold ourselves to, measured on this machine. It builds once
// (timed), serves the build with `npm start`'s server, and reports medians over several runs: a
// short table for people, then one JSON line for tools (always the last line).
import { existsSync, statSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { startCourse, repoRoot } from './lib/course-server.ts';
import { createLocalRuntime } from '../site/runtime/local.ts';
import { startHost } from '../site/runtime/host-client.ts';
import { loadCourse, localizeFiles } from '../lab/lessons/load.ts';
import { launchBrowser } from './lib/browser.ts';
import { measurePageJs, measureLessonSwitch, workbenchSettled } from './lib/page-figures.ts';
import { serveStatic } from './lib/static-host.ts';
import { runLighthouse } from './lib/lighthouse.ts';
import { buildSite } from '../lab/server/build-stamp.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (n: number) => Math.round(n * 10) / 10;

const figures: Record<string, number> = {};
const LIGHTHOUSE_RUNS = Number(process.env.BENCH_LIGHTHOUSE_RUNS ?? 5);
const LIGHTHOUSE_PAGE = '/en/set-get/count-views/';

// One production build, timed (the dependency snapshot's npm install is cached in .cache/ once
// made; the first build on a machine takes longer). `npm start` then finds it fresh.
{
  const t = performance.now();
  const status = buildSite(repoRoot, join(repoRoot, 'dist'), ['ignore', 'ignore', 'inherit']);
  if (status !== 0) throw new Error(`the build failed (exit ${status})`);
  figures.build_s = round((performance.now() - t) / 1000);
}

// The dependency snapshot the WebContainer mounts, as the build ships it.
const snapshotFile = join(repoRoot, 'dist', 'runtime', 'deps.snapshot');
const server = await startCourse();
try {
  if (!existsSync(snapshotFile)) throw new Error(`no snapshot at ${snapshotFile}: the build should have made it`);
  figures.snapshot_kb_gz = round(gzipSync(readFileSync(snapshotFile)).length / 1024);
  figures.snapshot_kb = round(statSync(snapshotFile).size / 1024);

  // The local runtime, driven by the browser's own runtime code against `npm start`.
  const lesson = loadCourse(join(repoRoot, 'lessons'))[0]!;
  const files = localizeFiles(lesson.solution, lesson.texts.en.text.messages, lesson.folder);
  const ready: number[] = [];
  const restart: number[] = [];
  const request: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const runtime = await createLocalRuntime({ base: server.url, files, lifecycle: new EventTarget() });
    const host = await startHost(runtime);
    let t = performance.now();
    await host.startAndWait({ entry: lesson.meta.entry });
    ready.push(performance.now() - t);

    // A learner edits a while after the server started (reading, typing): by then the host's
    // warm standby is ready, as it is for every edit but one made in the first few hundred ms.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    t = performance.now();
    await runtime.writeFile(lesson.meta.entry, `${files[lesson.meta.entry]}\n// edit ${run}\n`);
    await host.restart();
    await host.whenListening();
    restart.push(performance.now() - t);

    for (let i = 0; i < 5; i++) {
      t = performance.now();
      const result = await host.request({ browser: 'A', method: 'GET', path: '/viewcount' });
      request.push(performance.now() - t);
      if (result.hops[0]?.response?.status !== 200) throw new Error(`request failed: ${JSON.stringify(result)}`);
    }
    await host.close();
    await runtime.dispose();
  }
  figures.server_ready_ms = round(median(ready));
  figures.restart_ms = round(median(restart));
  figures.request_ms = round(median(request));

  // In Chromium, as a learner: what a step page fetches before any interaction, and how long a
  // lesson switch takes (client-side navigation until the new lesson's server listens).
  // The same step page deployed: dist/ on a static host that sends the isolation headers (no
  // runner, so a WebContainer is tried; with no internet here its boot times out), until the
  // workbench has settled.
  const browser = await launchBrowser();
  const deployed = await serveStatic(join(repoRoot, 'dist'));
  try {
    const pageJs: number[] = [];
    const staticJs: number[] = [];
    const switches: number[] = [];
    for (let run = 0; run < Math.min(RUNS, 5); run++) {
      pageJs.push(await measurePageJs(browser, `${server.url}/en/set-get/count-views/`));
      staticJs.push(await measurePageJs(browser, `${deployed.url}/en/set-get/count-views/`, (page) => workbenchSettled(page)));
      switches.push(await measureLessonSwitch(browser, server.url));
    }
    figures.page_js_kb_gz = round(median(pageJs) / 1024);
    figures.static_page_js_kb_gz = round(median(staticJs) / 1024);
    figures.lesson_switch_ms = round(median(switches));
  } finally {
    await deployed.stop();
    await browser.close();
  }

  // Lighthouse's mobile preset (simulated slow 4G and a 4× slower CPU) on a set/get step page.
  const reports = [];
  for (let run = 0; run < LIGHTHOUSE_RUNS; run++) reports.push(await runLighthouse(`${server.url}${LIGHTHOUSE_PAGE}`));
  figures.lighthouse_performance = median(reports.map((r) => r.performance));
  figures.lighthouse_accessibility = median(reports.map((r) => r.accessibility));
  figures.lcp_ms = round(median(reports.map((r) => r.lcpMs)));
  figures.cls = Math.round(median(reports.map((r) => r.clsScore)) * 1000) / 1000;
  const failing = [...new Set(reports.flatMap((r) => r.failedAudits))];
  if (failing.length > 0) console.log(`Lighthouse audits below 0.9 in some run: ${failing.join('; ')}`);
} finally {
  await server.stop();
}

const described: Record<string, string> = {
  build_s: 'one production build, snapshot install cached (s)',
  lighthouse_performance: `Lighthouse performance, mobile preset, ${LIGHTHOUSE_PAGE}`,
  lighthouse_accessibility: `Lighthouse accessibility, same page`,
  lcp_ms: 'Largest Contentful Paint, Lighthouse mobile (ms)',
  cls: 'Cumulative Layout Shift, Lighthouse mobile',
  snapshot_kb_gz: 'dependency snapshot, gzipped (KB)',
  snapshot_kb: 'dependency snapshot, raw (KB)',
  server_ready_ms: 'local runtime: ask to start → probe "listening" (ms)',
  restart_ms: 'local runtime: an edit written, restart → "listening" (ms)',
  request_ms: 'one request through the request client, end to end (ms)',
  page_js_kb_gz: 'step page JavaScript before any interaction, npm start, gzipped (KB)',
  static_page_js_kb_gz: 'the same, static host with the headers, until settled, gzipped (KB)',
  lesson_switch_ms: 'lesson switch: click → the new lesson\'s server listens (ms)',
};
console.log(`Session Lab benchmark (medians: ${RUNS} runtime runs, ${Math.min(RUNS, 5)} browser runs, ${LIGHTHOUSE_RUNS} Lighthouse runs)`);
for (const [key, value] of Object.entries(figures)) console.log(`  ${described[key]?.padEnd(72) ?? key.padEnd(72)} ${String(value).padStart(8)}`);
console.log(JSON.stringify(figures));
