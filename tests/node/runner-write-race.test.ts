// A write through the runner cannot be redirected out of the workspace by a link swapped in while
// it happens (lab/README.md, "Paths"): the learner's code swaps a folder for a link to outside, as
// fast as it can, while the page writes into that folder. Nothing may ever land outside.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, waitFor, type Harness } from './fixtures/runner/harness.ts';

/** Swaps `a` between a real folder and a link to `outside`, forever (rename is atomic). */
const SWAPPER = `
const fs = require('node:fs');
const [dir, outside] = process.argv.slice(1);
process.chdir(dir);
fs.mkdirSync('a.real', { recursive: true });
fs.symlinkSync(outside, 'a.link');
fs.mkdirSync('sub/deeper', { recursive: true });
fs.symlinkSync(outside, 'sub.link');
console.log('swapping');
const swap = (from, to) => { try { fs.renameSync(from, to); } catch {} };
for (;;) {
  swap('a.real', 'a'); swap('a', 'a.real'); swap('a.link', 'a'); swap('a', 'a.link');
  swap('sub', 'sub.real'); swap('sub.link', 'sub'); swap('sub', 'sub.link'); swap('sub.real', 'sub');
}
`;

let h: Harness;
let outside: string;
let swapper: ChildProcess | undefined;
beforeAll(async () => {
  h = await startHarness({ limits: { maxFileBytes: 1024 } });
  outside = mkdtempSync(join(tmpdir(), 'runner-race-outside-'));
});
afterAll(async () => {
  swapper?.kill('SIGKILL');
  await h?.close();
  rmSync(outside, { recursive: true, force: true });
});

describe('runner writes against a link swapped in during the write', () => {
  it('never land outside the workspace (into a swapped folder, below one, and folders created on the way)', async () => {
    const ws = await h.workspace();
    swapper = spawn(process.execPath, ['-e', SWAPPER, ws.dir, outside], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => swapper!.stdout!.once('data', () => resolve()));
    const statuses = new Map<number, number>();
    const WRITES = 1000;
    for (let i = 0; i < WRITES; i += 20) {
      const batch = [];
      for (let j = i; j < i + 20; j++) {
        const path = j % 3 === 0 ? `a/f${j}.txt` : j % 3 === 1 ? `sub/deeper/g${j}.txt` : `a/new${j}/h${j}.txt`;
        batch.push(h.call('PUT', `/__runner/workspaces/${ws.id}/files?path=${encodeURIComponent(path)}`, { body: `write ${j}`, headers: { 'content-type': 'text/plain' } }));
      }
      for (const reply of await Promise.all(batch)) statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
    }
    swapper.kill('SIGKILL');
    await waitFor(() => swapper!.exitCode !== null || swapper!.signalCode !== null, 5000, 'the swapper to end');
    // Writes succeeded (inside) or were refused; none reached the folder the link leads to.
    expect(statuses.get(200) ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(0);
    expect(readdirSync(outside, { recursive: true }).filter((name) => name !== 'secret.txt')).toEqual([]);
    await h.call('DELETE', `/__runner/workspaces/${ws.id}`);
  });

  it('never read through one either', async () => {
    const ws = await h.workspace();
    writeFileSync(join(outside, 'secret.txt'), 'outside secret');
    await h.call('PUT', `/__runner/workspaces/${ws.id}/files?path=a.real%2Fsecret.txt`, { body: 'inside', headers: { 'content-type': 'text/plain' } });
    swapper = spawn(process.execPath, ['-e', SWAPPER, ws.dir, outside], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => swapper!.stdout!.once('data', () => resolve()));
    const bodies = new Set<string>();
    for (let i = 0; i < 1000; i += 20) {
      const batch = Array.from({ length: 20 }, () => h.call('GET', `/__runner/workspaces/${ws.id}/files?path=a%2Fsecret.txt`));
      for (const reply of await Promise.all(batch)) if (reply.status === 200) bodies.add(reply.text);
    }
    swapper.kill('SIGKILL');
    await waitFor(() => swapper!.exitCode !== null || swapper!.signalCode !== null, 5000, 'the swapper to end');
    expect(bodies.has('inside')).toBe(true);
    expect([...bodies]).toEqual(['inside']);
    await h.call('DELETE', `/__runner/workspaces/${ws.id}`);
  });
});
