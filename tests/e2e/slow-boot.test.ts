// A start-up step that takes long (a WebContainer's boot, a slow network) shows how long it has
// been going, so the learner sees it is alive; the count is kept out of the live region's
// announcements. Made slow here by holding the local runner's "new workspace" call while the
// page's clock jumps ahead, then letting it through.
import { describe, expect, it } from 'vitest';
import { base, say, serverRunning, useBrowser } from './support.ts';

describe('a slow start-up step', () => {
  const fixture = useBrowser();

  it('counts the seconds of the step in progress (pt), then the server runs as usual', async () => {
    const { page } = fixture;
    let release!: () => void;
    const released = new Promise<void>((done) => (release = done));
    await page.route('**/__runner/workspaces', async (route) => {
      if (route.request().method() === 'POST') await released;
      await route.continue();
    });
    await page.clock.install();
    await page.goto(`${base}/pt/set-get/count-views/`);
    const step = page.locator('.run-step[data-step="boot"]');
    const elapsed = step.locator('.run-step-elapsed');
    await expect.poll(() => step.getAttribute('data-status')).toBe('active');
    expect(await step.innerText()).toContain(say('pt', 'run.boot.stepStatus.active'));
    expect(await elapsed.innerText()).toBe('');

    await page.clock.fastForward(3_500);
    await expect.poll(() => elapsed.innerText()).toBe(say('pt', 'run.boot.elapsed', { seconds: '3' }));
    expect(await elapsed.getAttribute('aria-hidden')).toBe('true');

    release();
    await serverRunning(page);
    expect(await step.getAttribute('data-status')).toBe('done');
    expect(await elapsed.innerText()).toBe('');
  });
});
