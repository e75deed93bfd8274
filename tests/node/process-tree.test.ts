// Nothing a lesson server starts outlives it: Stop, Restart, the host's end, and — on the local
// runner — a disposed workspace (Stop of the page, its close) and the runner's death end every
// process the learner's code started, detached or not (Linux: found through /proc, see
// lab/inside/tree.cjs).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, HostDriver, LAB, alive, type Json } from './fixtures/inside/harness.ts';
import { makeDeps, openOutput, rawRequest, startHarness, stdoutOf, waitFor, type Harness, type OutputStream } from './fixtures/runner/harness.ts';

const SPAWNS = readFileSync(join(FIXTURES, 'spawns.cjs'), 'utf8');
/** Every pid a test saw: killed at the end whatever happened, so a failing test leaves nothing. */
const seen: number[] = [];
afterAll(() => {
  for (const pid of seen) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  }
});

/** The `children` line a run of spawns.cjs printed (frames after `from`). */
async function childrenOf(h: HostDriver, from: number): Promise<number[]> {
  const out = await h.waitFrame((f) => h.frames.indexOf(f) >= from && f.t === 'out' && f.data.includes('"children"'));
  const line = (out.data as string).split('\n').find((l) => l.includes('"children"'))!;
  const pids = (JSON.parse(line) as { children: number[] }).children;
  seen.push(...pids);
  return pids;
}

describe('the host ends the whole tree of a lesson server', () => {
  let host: HostDriver | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  it('on restart and stop: every child, detached or not, is dead when the reply comes', async () => {
    host = new HostDriver();
    const all: number[] = [];
    for (let run = 0; run < 3; run++) {
      const from = host.frames.length;
      const reply = await host.command(run === 0 ? 'start' : 'restart', run === 0 ? { entry: 'spawns.cjs' } : {});
      expect(reply.ok, JSON.stringify(reply)).toBe(true);
      const pids = await childrenOf(host, from);
      expect(pids.every(alive)).toBe(true);
      // Everything an earlier run started is gone once this start (a restart) has replied.
      expect(all.filter(alive)).toEqual([]);
      all.push(reply.result.pid, ...pids);
    }
    const stopped = await host.command('stop');
    expect(stopped.ok).toBe(true);
    expect(all.filter(alive)).toEqual([]);
  });

  it('when the server crashes: what it left behind with the workspace marker dies too', async () => {
    host = new HostDriver();
    const from = host.frames.length;
    await host.command('start', { entry: 'spawns.cjs' });
    const [plain, detached] = await childrenOf(host, from);
    // The server ends on its own (not a stop): its children are orphans by then.
    const server = host.frames.find((f) => f.t === 'reply' && f.ok && f.result?.pid)!.result.pid as number;
    process.kill(server, 'SIGKILL');
    await host.waitFrame((f) => f.t === 'exit' && f.pid === server);
    expect([plain, detached].filter((pid) => alive(pid!))).toEqual([]);
  });
});

describe('the local runner ends the whole tree of a workspace', () => {
  const SERVE = fileURLToPath(new URL('./fixtures/runner/serve-runner.ts', import.meta.url));
  let h: Harness | undefined;
  let runnerProcess: ChildProcess | undefined;
  const roots: string[] = [];
  afterEach(async () => {
    await h?.close();
    h = undefined;
    runnerProcess?.kill('SIGKILL');
    runnerProcess = undefined;
  });
  afterAll(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  /** Starts spawns.cjs through the real host in a workspace; resolves with every pid involved. */
  async function startTree(port: number, token: string, call: (method: string, path: string, body?: unknown) => Promise<Json>) {
    const { id } = await call('POST', '/__runner/workspaces');
    await call('POST', `/__runner/workspaces/${id}/mount`, { files: { 'server.js': SPAWNS } });
    const host = (await call('POST', `/__runner/workspaces/${id}/processes`, { command: 'node', args: ['host.mjs'] })).pid as number;
    const output: OutputStream = await openOutput(port, `/__runner/workspaces/${id}/processes/${host}/output?token=${token}`);
    await output.until(() => stdoutOf(output.events).includes('"t":"hello"'));
    await call('POST', `/__runner/workspaces/${id}/processes/${host}/input`, JSON.stringify({ id: 1, op: 'start', entry: 'server.js' }) + '\n');
    await output.until(() => /\\"children\\":\[[\d,]+\]/.test(stdoutOf(output.events)));
    const children = (JSON.parse(/\\"children\\":(\[[\d,]+\])/.exec(stdoutOf(output.events))![1]!) as number[]);
    const server = Number(/"pid":(\d+)/.exec(stdoutOf(output.events).split('\n').find((l) => l.includes('"t":"reply"'))!)![1]);
    const pids = [host, server, ...children];
    seen.push(...pids);
    return { id, pids, output };
  }

  it('DELETE (Stop of the page, or its close through the beacon) ends every process of the workspace', async () => {
    h = await startHarness({ labDir: LAB, limits: { killGraceMs: 300 } });
    const harness = h;
    const call = async (method: string, path: string, body?: unknown) => {
      const reply = await harness.call(method, path, body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) });
      expect(reply.status, `${method} ${path}: ${reply.text}`).toBeLessThan(300);
      return reply.json as Json;
    };
    const { id, pids } = await startTree(h.port, h.token, call);
    expect(pids.every(alive)).toBe(true);
    await call('POST', `/__runner/workspaces/${id}/dispose`, { token: h.token });
    expect(pids.filter(alive)).toEqual([]);
  });

  it('a SIGKILLed runner leaves no process of the lesson alive, detached ones included', async () => {
    const root = mkdtempSync(join(tmpdir(), 'runner-tree-'));
    roots.push(root);
    const tmpRoot = join(root, 'workspaces');
    mkdirSync(tmpRoot);
    const child = spawn(process.execPath, [SERVE, LAB, makeDeps(root), tmpRoot], { stdio: ['ignore', 'pipe', 'inherit'] });
    runnerProcess = child;
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the runner exited (${code})`)));
    });
    const { port, token } = JSON.parse(first) as { port: number; token: string };
    const call = async (method: string, path: string, body?: unknown) => {
      const reply = await rawRequest(port, method, path, { host: `127.0.0.1:${port}`, 'x-runner-token': token, 'content-type': 'application/json' }, body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body));
      expect(reply.status, `${method} ${path}: ${reply.text}`).toBeLessThan(300);
      return reply.json as Json;
    };
    const { pids } = await startTree(port, token, call);
    expect(pids.every(alive)).toBe(true);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    await waitFor(() => !pids.some(alive), 5000, () => `every process to die (alive: ${pids.filter(alive).join(', ')})`);
  });
});
