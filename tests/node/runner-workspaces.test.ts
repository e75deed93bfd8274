// The runner's workspaces over their life: a page that goes away gives its room back promptly
// (its output stream closing is the signal), and at the limit a new page always gets a workspace:
// the least recently active one is suspended (gone pages first, then hidden ones, then the one
// the longest without a call) and its page hears why. Only a limit made entirely of workspaces
// still being created refuses a page.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveLimits, type Limits } from '../../lab/runner/limits.ts';
import { createRegistry } from '../../lab/runner/registry.ts';
import { RunnerError } from '../../lab/runner/errors.ts';
import { isAlive, makeDeps, openOutput, sleep, startHarness, waitFor, type Harness, type OutputStream } from './fixtures/runner/harness.ts';

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});
const harness = async (limits: Partial<Limits>) => {
  const h = await startHarness({ limits: { killGraceMs: 200, ...limits } });
  harnesses.push(h);
  return h;
};

/** A workspace running a long-lived script, with its output stream open (a live page). */
async function livePage(h: Harness): Promise<{ id: string; dir: string; pid: number; stream: OutputStream }> {
  const ws = await h.workspace();
  await h.call('POST', `/__runner/workspaces/${ws.id}/mount`, { body: JSON.stringify({ files: { 's.js': "console.log('up'); setInterval(() => {}, 1000)" } }) });
  const pid = (await h.call('POST', `/__runner/workspaces/${ws.id}/processes`, { body: JSON.stringify({ command: 'node', args: ['s.js'] }) })).json.pid as number;
  const stream = await openOutput(h.port, `/__runner/workspaces/${ws.id}/processes/${pid}/output?token=${h.token}`);
  await stream.until((e) => e.data.t === 'chunk');
  return { ...ws, pid, stream };
}

const status = async (h: Harness) => (await h.call('GET', '/__runner/status')).json as { live: number; limit: number; peak: number; suspended: number };

describe('runner workspaces over their life', () => {
  it('suspends, at the limit, a gone page first, then a hidden one, then the least recently active', async () => {
    const h = await harness({ maxWorkspaces: 3, goneGraceMs: 60_000 });
    const a = await livePage(h);
    const b = await livePage(h);
    const c = await livePage(h);
    // B's tab closed without a beacon: only its stream tells.
    b.stream.close();
    await b.stream.closed;
    // C's tab went to the background.
    expect((await h.call('POST', `/__runner/workspaces/${c.id}/visibility`, { body: '{"visible":false}' })).status).toBe(200);
    // A is used again: the most recently active of the three.
    await h.call('GET', `/__runner/workspaces/${a.id}/tree`);

    // (A suspended workspace's processes stop first, then its folder goes: wait for that, never
    // for a time.)
    const d = await livePage(h);
    await waitFor(() => !existsSync(b.dir) && !isAlive(b.pid), 5000, 'the gone page’s workspace to be suspended');
    expect(existsSync(c.dir) && existsSync(a.dir)).toBe(true);

    const e = await livePage(h);
    await waitFor(() => !existsSync(c.dir), 5000, 'the hidden page’s workspace to be suspended');
    expect(existsSync(a.dir)).toBe(true);
    // C's page, still open in the background, hears why its server stopped.
    const cEnd = await c.stream.until((event) => event.data.t === 'exit');
    expect(cEnd.at(-1)!.data).toMatchObject({ t: 'exit', reason: 'suspended', limit: 3 });
    const cCall = await h.call('POST', `/__runner/workspaces/${c.id}/mount`, { body: JSON.stringify({ files: {} }) });
    expect(cCall.status).toBe(410);
    expect(cCall.json.error).toMatchObject({ key: 'workspaceSuspended', limit: 3 });

    // Every page shown now: A has been idle the longest (D and E were made after its last call).
    await livePage(h);
    await waitFor(() => !existsSync(a.dir) && !isAlive(a.pid), 5000, 'the least recently active workspace to be suspended');
    expect(existsSync(d.dir) && existsSync(e.dir)).toBe(true);

    expect(await status(h)).toEqual({ live: 3, limit: 3, peak: 3, suspended: 3 });
  });

  it('gives back the workspace of a page that went away without a word, after a short grace', async () => {
    const h = await harness({ goneGraceMs: 150, idleMs: 60_000 });
    const page = await livePage(h);
    page.stream.close();
    await waitFor(() => !existsSync(page.dir), 5000, 'the gone page’s workspace to be disposed');
    await waitFor(() => !isAlive(page.pid), 5000, 'its process to end');
    expect((await h.call('GET', `/__runner/workspaces/${page.id}/tree`)).status).toBe(404);
    expect((await status(h)).live).toBe(0);
  });

  it('keeps the workspace of a page whose process ended by itself (the page is still there)', async () => {
    const h = await harness({ goneGraceMs: 100, idleMs: 60_000 });
    const ws = await h.workspace();
    await h.call('POST', `/__runner/workspaces/${ws.id}/mount`, { body: JSON.stringify({ files: { 'done.js': "console.log('bye')" } }) });
    const pid = (await h.call('POST', `/__runner/workspaces/${ws.id}/processes`, { body: JSON.stringify({ command: 'node', args: ['done.js'] }) })).json.pid;
    const stream = await openOutput(h.port, `/__runner/workspaces/${ws.id}/processes/${pid}/output?token=${h.token}`);
    await stream.until((e) => e.data.t === 'exit');
    await stream.closed;
    // Well past the grace for a gone page: the idle bound (a minute) is what applies here.
    await sleep(600);
    expect(existsSync(ws.dir)).toBe(true);
    expect((await h.call('GET', `/__runner/workspaces/${ws.id}/tree`)).status).toBe(200);
  });

  it('refuses a page (429, with the number) only when every place is a workspace still being created', async () => {
    const root = mkdtempSync(join(tmpdir(), 'registry-test-'));
    const tmpRoot = join(root, 'workspaces');
    mkdirSync(tmpRoot);
    const registry = createRegistry({ tmpRoot, depsDir: makeDeps(root), limits: resolveLimits({ maxWorkspaces: 2 }) });
    try {
      // Three in one tick: the first two take both places before either exists.
      const made = [registry.create(), registry.create(), registry.create()];
      const results = await Promise.allSettled(made);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
      const refusal = (results[2] as PromiseRejectedResult).reason as RunnerError;
      expect(refusal).toBeInstanceOf(RunnerError);
      expect([refusal.status, refusal.key, refusal.limit]).toEqual([429, 'tooManyWorkspaces', 2]);
      // Once they exist, a third page is let in (one of them is suspended).
      await registry.create();
      expect(registry.status()).toMatchObject({ live: 2, peak: 2, suspended: 1 });
    } finally {
      await registry.disposeAll();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
