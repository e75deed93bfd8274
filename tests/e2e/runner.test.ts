// The local runner from the course's own page, in Chromium: the page (cross-origin isolated)
// starts a lesson through /__runner/, and the lesson server's responses reach an iframe — with the
// session cookie kept from one load to the next.
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { join } from 'node:path';
import { launchBrowser } from '../../scripts/lib/browser.ts';
import { repoRoot } from '../../scripts/lib/course-server.ts';
import { loadCourse, localizeFiles } from '../../lab/lessons/load.ts';

const base = inject('courseUrl');
const lesson = loadCourse(join(repoRoot, 'lessons'))[0]!;
const files = localizeFiles(lesson.solution, lesson.texts.en.text.messages, lesson.folder);

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

it('starts a lesson from the page and shows it in an iframe under cross-origin isolation', async () => {
  const page = await browser.newPage();
  await page.goto(`${base}/en/`);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  const previewUrl = await page.evaluate(async (files) => {
    const { token } = await (await fetch('/__runner/token')).json();
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`/__runner${path}`, { method, headers: { 'X-Runner-Token': token, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const { id } = await call('POST', '/workspaces');
    await call('POST', `/workspaces/${id}/mount`, { files });
    const { pid } = await call('POST', `/workspaces/${id}/processes`, { command: 'node', args: ['host.mjs'] });
    const port = await new Promise<number>((resolve, reject) => {
      const source = new WebSocket(`ws://${location.host}/__runner/workspaces/${id}/processes/${pid}/output?token=${token}`);
      let pending = '';
      source.onmessage = (message) => {
        const data = JSON.parse(message.data);
        if (data.t !== 'chunk') return;
        pending += data.data;
        for (const line of pending.split('\n').slice(0, -1)) {
          if (!line.startsWith('\x1e')) continue;
          const frame = JSON.parse(line.slice(1));
          if (frame.t === 'hello') void fetch(`/__runner/workspaces/${id}/processes/${pid}/input`, { method: 'POST', headers: { 'X-Runner-Token': token }, body: JSON.stringify({ id: 1, op: 'start', entry: 'server.js' }) + '\n' });
          if (frame.t === 'event' && frame.event.type === 'listening') resolve(frame.event.port);
        }
        pending = pending.slice(pending.lastIndexOf('\n') + 1);
      };
      setTimeout(() => reject(new Error('no listening event')), 15_000);
    });
    const { url } = await call('POST', `/workspaces/${id}/preview`, { port });
    return url as string;
  }, files);

  expect(previewUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  await page.evaluate((src) => {
    const frame = document.createElement('iframe');
    frame.name = 'preview';
    frame.src = src;
    document.body.append(frame);
  }, `${previewUrl}viewcount`);
  const frame = () => page.frames().find((f) => f.name() === 'preview')!;
  await expect.poll(async () => (await frame()?.textContent('body').catch(() => '')) ?? '').toContain('You have viewed this page 1 times');
  // The session cookie set inside the iframe is sent back on the next load: same site, Lax works.
  await frame().goto(`${previewUrl}viewcount`);
  await expect.poll(async () => (await frame().textContent('body').catch(() => '')) ?? '').toContain('You have viewed this page 2 times');
  await page.close();
});
