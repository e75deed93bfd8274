// The WebContainer path end to end, through the real `@webcontainer/api` (node_modules) against
// the stand-in for its hosted side (tests/webcontainer-standin/: what it models and what it cannot
// is in its header). The built course is served as a static host would serve it — plain files
// with the isolation headers, no local runner — and the stand-in's origin is set as the
// package's iframe URL before any script of the page runs.
//
// One page is booted once and then walked through what a learner does: the lesson server, an
// edit and its restart, a request with the cookie and store views, "Check my work", the preview,
// and every kind of navigation (Next, another lesson, the outline and back, back/forward) — with
// exactly one /headless iframe and one boot for the page throughout, and the server answering
// after each move. Then a language switch and a reload (new documents, so one boot each).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createStaticHandler } from '../../lab/server/static-files.ts';
import { isolationHeaders } from '../../lab/server/headers.ts';
import { repoRoot } from '../../scripts/lib/course-server.ts';
import { launchBrowser } from '../../scripts/lib/browser.ts';
import { startStandIn, type StandIn } from '../webcontainer-standin/standin.ts';
import { chooseAction, say } from './support.ts';

let server: Server;
let site = '';
let standIn: StandIn;
let browser: Browser;
/** No IPC, no `--require`, AsyncLocalStorage lost across async work (STANDIN_STRICT=0: all of them work). */
const strict = process.env.STANDIN_STRICT !== '0';

beforeAll(async () => {
  const serve = createStaticHandler(join(repoRoot, 'dist'), isolationHeaders);
  server = createServer((req, res) => serve(req, res));
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  site = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  standIn = await startStandIn({ strict });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await standIn?.close();
  await new Promise((done) => server?.close(done));
});

/** A context whose pages load the stand-in as the WebContainer's hosted side; console errors are kept. */
async function openContext(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1500, height: 1000 }, serviceWorkers: 'block' });
  await context.addInitScript((url) => {
    (globalThis as { WEBCONTAINER_API_IFRAME_URL?: string }).WEBCONTAINER_API_IFRAME_URL = url;
  }, standIn.url);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return { context, page, errors };
}

const iframes = (page: Page) => page.locator('iframe[src*="/headless"]').count();
const session = (page: Page) =>
  page.evaluate(() => {
    const lab = document.querySelector('session-workbench')?.sessionLab;
    const state = lab?.session.state();
    return { lesson: lab?.lesson() ?? null, phase: state?.phase ?? null, runtime: state?.runtime ?? null, error: state?.error?.key ?? null };
  });

/** Waits until the workbench runs `lesson`'s server, then asks the server something: the status it answered. */
async function serverAnswers(page: Page, lesson: string, path = '/'): Promise<number | null> {
  await expect.poll(() => session(page), { timeout: 30_000 }).toMatchObject({ lesson, phase: 'running' });
  return page.evaluate(async (p) => {
    const host = document.querySelector('session-workbench')!.sessionLab!.session.host()!;
    const result = await host.request({ browser: 'none', method: 'GET', path: p });
    return result.hops[0]?.response?.status ?? null;
  }, path);
}

const region = (page: Page, key: string) => page.getByRole('region', { name: say('en', key), exact: true });

describe('a course on a static host, the WebContainer through the real package and the stand-in', () => {
  let page: Page;
  let context: BrowserContext;
  let errors: string[];

  beforeAll(async () => {
    ({ page, context, errors } = await openContext());
  });
  afterAll(async () => {
    await context?.close();
  });

  /** After every move: one iframe, one boot for this page, the stand-in's instance alive. */
  const oneWebContainer = async (boots = 1) => {
    expect(await iframes(page)).toBe(1);
    expect(standIn.stats.builds).toBe(boots);
    expect(standIn.stats.headless).toBe(boots);
    expect(standIn.stats.live).toBe(1);
  };

  it('boots once: the snapshot mounted, never npm install, the lesson server listening', async () => {
    await page.goto(`${site}/en/set-get/count-views/`);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await serverAnswers(page, 'set-get')).toBeGreaterThanOrEqual(200);
    expect(await session(page)).toMatchObject({ runtime: 'webcontainer' });
    await oneWebContainer();
    // The dependencies from the snapshot, twice: the learner's node_modules and the lab's own copy.
    expect(standIn.stats.loads.filter((load) => load.startsWith('snapshot:'))).toEqual(['snapshot:/', 'snapshot:.lab']);
    expect(standIn.stats.runs.some((run) => /\b(npm|npx|pnpm|yarn)\b/.test(run))).toBe(false);
    expect(standIn.stats.runs).toEqual(['node /home/session-lab/.lab/host.mjs --portable']);
    if (strict) {
      // The host's self-test found what the strict stand-in takes away, and the boot panel says why.
      const note = region(page, 'run.boot.region').locator('[data-features]');
      await expect.poll(() => note.isVisible()).toBe(true);
      expect(await note.innerText()).toContain(say('en', 'run.features.note'));
      await note.getByText(say('en', 'run.boot.fallbackWhy')).click();
      expect(await note.locator('li[data-feature]').evaluateAll((items) => items.map((item) => item.getAttribute('data-feature')))).toEqual(['ipc', 'preload', 'asyncContext']);
    }
  });

  it('takes an edit and restarts; a request from the request panel fills the cookie and store views', async () => {
    await chooseAction(page, 'en', say('en', 'workbench.solution'), 'menuitemcheckbox');
    await page.getByRole('button', { name: say('en', 'workbench.applySolution') }).click();
    await page.getByRole('button', { name: say('en', 'workbench.hideSolution') }).click();
    // The solution view is loading the editor already ("Edit" is disabled then); else "Edit" loads it.
    const code = page.getByRole('textbox', { name: say('en', 'editor.codeLabel', { file: 'server.js' }) });
    const edit = page.getByRole('button', { name: say('en', 'editor.edit'), exact: true });
    if ((await code.count()) === 0 && (await edit.isEnabled().catch(() => false))) await edit.click();
    await code.waitFor({ state: 'attached', timeout: 30_000 });
    await code.focus();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText("\napp.get('/hello', (req, res) => res.send('hello from the editor'));\n");
    // The edit is in the editor's text before it is saved: a failure below is then the server's.
    await expect.poll(() => page.evaluate(() => document.querySelector('session-workbench')!.sessionLab!.editor.files()['server.js'])).toContain("'/hello'");
    await page.keyboard.press('Control+S');

    const requests = region(page, 'inspect.request.title');
    const send = async (browserKey: 'A' | 'B', path: string) => {
      await requests.getByRole('combobox', { name: say('en', 'inspect.request.browser') }).selectOption({ label: say('en', `inspect.browser.${browserKey}`) });
      await requests.getByRole('combobox', { name: say('en', 'inspect.request.method') }).selectOption('GET');
      await requests.getByRole('combobox', { name: say('en', 'inspect.request.path') }).fill(path);
      await requests.getByRole('button', { name: say('en', 'inspect.request.send'), exact: true }).click();
    };
    await expect
      .poll(async () => {
        await send('A', '/hello');
        return requests.locator('pre').last().innerText();
      }, { timeout: 30_000, interval: 1_000 })
      .toContain('hello from the editor');

    await send('A', '/viewcount');
    await expect.poll(() => requests.locator('pre').last().innerText()).toContain('You have viewed this page 1 times');
    const rows = region(page, 'inspect.store.title').locator('li[data-session-id]');
    await expect.poll(() => rows.count()).toBe(1);
    const stored = await rows.first().getAttribute('data-session-id');
    const cookie = region(page, 'inspect.cookie.title');
    await expect.poll(() => cookie.locator('[data-session-id]').first().innerText()).toBe(stored);
    await expect.poll(() => cookie.locator('[data-signature]').innerText()).toMatch(new RegExp(`^${say('en', 'inspect.cookie.valid')}`));
  });

  it('"Check my work" passes with the solution, and the preview shows the server', async () => {
    await page.getByRole('tab', { name: say('en', 'inspect.checks.run') }).click();
    const checks = region(page, 'inspect.checks.title');
    await checks.getByRole('button', { name: say('en', 'inspect.checks.run') }).click();
    await expect.poll(() => checks.locator('li[data-passed="true"]').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await checks.locator('li[data-passed="false"]').count()).toBe(0);

    await page.getByRole('tab', { name: say('en', 'workbench.preview') }).click();
    const address = page.getByRole('textbox', { name: say('en', 'run.preview.address') });
    const frame = page.getByTitle(say('en', 'run.preview.frameTitle')).contentFrame();
    await expect
      .poll(async () => {
        await address.fill('/viewcount');
        await address.press('Enter');
        return frame.locator('body').innerText({ timeout: 2_000 }).catch(() => '');
      }, { timeout: 20_000, interval: 1_000 })
      .toContain('You have viewed this page');
    // The preview is at another origin than the page, as a WebContainer's is.
    const src = await page.getByTitle(say('en', 'run.preview.frameTitle')).getAttribute('src');
    expect(new URL(src!).origin).not.toBe(site);
    await oneWebContainer();
  });

  it('Next within the lesson keeps the WebContainer and its server', async () => {
    await page.locator('a[rel="next"]').click();
    await page.waitForURL(`${site}/en/set-get/set-and-get/`);
    expect(await serverAnswers(page, 'set-get', '/viewcount')).toBe(200);
    await oneWebContainer();
  });

  it('a switch to another lesson from the outline runs that lesson in the same WebContainer', async () => {
    await page.locator('nav.outline summary').click();
    await page.locator('nav.outline a[href="/en/destroy/destroy/"]').click();
    await page.waitForURL(`${site}/en/destroy/destroy/`);
    expect(await serverAnswers(page, 'destroy')).toBeGreaterThanOrEqual(200);
    await oneWebContainer();
  });

  it('the course outline and back: a new workbench, the same WebContainer', async () => {
    await page.locator('a.brand').click();
    await page.waitForURL(`${site}/en/`);
    expect(await iframes(page)).toBe(1);
    await page.locator('main a[href="/en/set-get/count-views/"]').first().click();
    await page.waitForURL(`${site}/en/set-get/count-views/`);
    expect(await serverAnswers(page, 'set-get', '/viewcount')).toBe(200);
    await oneWebContainer();
  });

  it('browser back and forward', async () => {
    // The address changes first on a history move; the page is swapped after it.
    await page.goBack();
    await page.waitForURL(`${site}/en/`);
    await expect.poll(() => page.locator('session-workbench').count()).toBe(0);
    expect(await iframes(page)).toBe(1);
    await page.goForward();
    await page.waitForURL(`${site}/en/set-get/count-views/`);
    await expect.poll(() => page.locator('session-workbench').count()).toBe(1);
    expect(await serverAnswers(page, 'set-get', '/viewcount')).toBe(200);
    await oneWebContainer();
  });

  it('a language switch and a reload are new pages: one boot each, the old instance gone', async () => {
    await page.getByRole('link', { name: 'Português' }).click();
    await page.waitForURL(`${site}/pt/set-get/count-views/`);
    expect(await serverAnswers(page, 'set-get', '/viewcount')).toBe(200);
    await oneWebContainer(2);
    await page.reload();
    expect(await serverAnswers(page, 'set-get', '/viewcount')).toBe(200);
    await oneWebContainer(3);
    expect(errors).toEqual([]);
  });

  it('the self-check, reached by a link, reuses the WebContainer and passes every lesson (pt)', async () => {
    // As a link in the course would take the learner there: a client-side navigation.
    await page.evaluate(() => {
      const link = Object.assign(document.createElement('a'), { href: '/pt/self-check/' });
      document.querySelector('main')!.append(link);
      link.click();
    });
    await page.waitForURL(`${site}/pt/self-check/`);
    await page.getByRole('button', { name: say('pt', 'selfCheck.run') }).click();
    const check = page.locator('self-check');
    await expect.poll(() => check.getAttribute('data-done'), { timeout: 120_000, interval: 500 }).not.toBeNull();
    expect(await check.locator('tr[data-status="failed"]').allInnerTexts()).toEqual([]);
    expect(await check.getAttribute('data-done')).toBe('passed');
    expect(await check.locator('[data-slot="summary"]').innerText()).toContain(say('pt', 'run.runtime.webcontainer'));
    await oneWebContainer(3);
    expect(errors).toEqual([]);
  });
});

describe('the stand-in, driven by the real package directly', () => {
  it('answers every call the package makes the way its types say: files, a process through a pty, ports, watch', async () => {
    const { context, page, errors } = await openContext();
    await page.goto(`${standIn.url}/package-check.html`);
    await page.waitForFunction(() => document.documentElement.hasAttribute('data-ready'));
    const seen = await page.evaluate(async () => {
      type Api = typeof import('@webcontainer/api');
      const { WebContainer } = globalThis as unknown as { WebContainer: Api['WebContainer'] };
      const wc = await WebContainer.boot({ coep: 'require-corp', workdirName: 'check' });
      const out: Record<string, unknown> = { workdir: wc.workdir };
      await wc.mount({ 'a.txt': { file: { contents: 'hello' } }, dir: { directory: { 'b.bin': { file: { contents: new Uint8Array([0, 255, 10]) } } } } });
      out.text = await wc.fs.readFile('a.txt', 'utf-8');
      out.bytes = [...(await wc.fs.readFile('dir/b.bin'))];
      await wc.fs.mkdir('x/y', { recursive: true });
      await wc.fs.writeFile('x/y/c.txt', 'c');
      const changes: string[] = [];
      const watcher = wc.fs.watch('x', { recursive: true }, (event, file) => changes.push(`${event}:${String(file)}`));
      await new Promise((resolve) => setTimeout(resolve, 200));
      await wc.fs.rename('x/y/c.txt', 'x/y/d.txt');
      out.root = (await wc.fs.readdir('/', { withFileTypes: true })).map((e) => `${e.name}:${e.isDirectory() ? 'dir' : e.isFile() ? 'file' : '?'}`).sort();
      out.renamed = await wc.fs.readdir('x/y');
      await wc.fs.rm('x', { recursive: true, force: true });
      out.afterRm = (await wc.fs.readdir('/')).sort();

      const proc = await wc.spawn('node', ['-e', "process.stdin.once('data', (d) => { process.stdout.write(JSON.stringify(String(d)) + '\\n'); process.stderr.write('to stderr\\n'); process.exit(3); })"]);
      let output = '';
      const piped = proc.output.pipeTo(new WritableStream({ write: (chunk) => void (output += chunk) }));
      await proc.input.getWriter().write('hi\r\n');
      out.code = await proc.exit;
      await piped;
      out.output = output;

      const ports: string[] = [];
      const ready = new Promise<string>((resolve) => wc.on('server-ready', (_port, url) => resolve(url)));
      wc.on('port', (_port, type) => ports.push(type));
      const server = await wc.spawn('node', ['-e', "require('http').createServer((q, s) => s.end('ok')).listen(0)"]);
      out.previewOrigin = new URL(await ready).origin;
      server.kill();
      out.killed = await server.exit;
      out.ports = ports;
      // Typed as void; the package's close is async and settles before teardown here.
      watcher.close();
      out.watched = changes.length > 0;
      out.unknown = await (await wc.spawn('npm', ['install'])).exit;
      wc.teardown();
      return out;
    });
    expect(seen).toMatchObject({
      workdir: '/home/check',
      text: 'hello',
      bytes: [0, 255, 10],
      root: ['a.txt:file', 'dir:dir', 'x:dir'],
      renamed: ['d.txt'],
      afterRm: ['a.txt', 'dir'],
      code: 3,
      killed: 143,
      watched: true,
      unknown: 127,
    });
    // One pty: what was typed is echoed (CR arrives as NL), stdout and stderr come merged, NL goes out as CR NL.
    expect(seen.output).toContain('hi\r\n\r\n');
    expect(seen.output).toContain('"hi\\n\\n"\r\n');
    expect(seen.output).toContain('to stderr\r\n');
    expect(seen.previewOrigin).not.toBe(standIn.url);
    expect(seen.ports).toContain('open');
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('a WebContainer that never answers (offline)', () => {
  it('offers the alternatives within 15 s and does not give up before 45 s', async () => {
    const { context, page, errors } = await openContext();
    // The hosted side never answers: the package waits for its iframe forever.
    await page.route(`${standIn.url}/headless**`, () => {});
    await page.clock.install();
    await page.goto(`${site}/en/set-get/count-views/`);
    const step = page.locator('.run-step[data-step="boot"]');
    await expect.poll(() => step.getAttribute('data-status')).toBe('active');
    const boot = region(page, 'run.boot.region');

    await page.clock.fastForward(14_000);
    await expect.poll(() => boot.getByRole('button', { name: say('en', 'run.boot.useLocal') }).count()).toBe(1);
    expect(await boot.getByRole('button', { name: say('en', 'run.boot.useReadonly') }).count()).toBe(1);
    expect((await session(page)).phase).toBe('booting');

    await page.clock.fastForward(45_000 - 14_000);
    expect((await session(page)).phase).toBe('booting');
    expect(await step.getAttribute('data-status')).toBe('active');
    // Not forever: at its limit the boot is declared failed, and says why.
    await page.clock.fastForward(60_000 - 45_000 + 1_000);
    await expect.poll(() => session(page)).toMatchObject({ phase: 'failed', error: 'runtime.error.bootTimeout' });
    expect(errors).toEqual([]);
    await context.close();
  });
});
