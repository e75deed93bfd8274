// When the runner is SIGKILLed it cannot clean up: every process it started, and what those
// started, must still die on their own (the host exits when its stdin closes; every process has
// the runner's lifeline on fd 3).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURE_LAB, isAlive, makeDeps, openOutput, rawRequest, stdoutOf, waitFor } from './fixtures/runner/harness.ts';

const SERVE = fileURLToPath(new URL('./fixtures/runner/serve-runner.ts', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'runner-sigkill-'));
let runnerProcess: ChildProcess | undefined;
const pids: number[] = [];

afterAll(() => {
  runnerProcess?.kill('SIGKILL');
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  }
  rmSync(root, { recursive: true, force: true });
});

describe('runner SIGKILLed', () => {
  it('leaves no child or grandchild alive', async () => {
    const tmpRoot = join(root, 'workspaces');
    mkdirSync(tmpRoot);
    const child = spawn(process.execPath, [SERVE, FIXTURE_LAB, makeDeps(root), tmpRoot], { stdio: ['ignore', 'pipe', 'inherit'] });
    runnerProcess = child;
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the runner exited (${code})`)));
    });
    const { port, token } = JSON.parse(first) as { port: number; token: string };
    const call = async (method: string, path: string, body?: unknown) => {
      const reply = await rawRequest(port, method, path, { host: `127.0.0.1:${port}`, 'x-runner-token': token, 'content-type': 'application/json' }, body === undefined ? undefined : JSON.stringify(body));
      expect(reply.status, `${method} ${path}: ${reply.text}`).toBeLessThan(300);
      return reply.json;
    };
    const sse = (id: string, pid: number) => openOutput(port, `/__runner/workspaces/${id}/processes/${pid}/output?token=${token}`);

    const { id } = await call('POST', '/__runner/workspaces');
    await call('POST', `/__runner/workspaces/${id}/mount`, {
      files: {
        // A lesson script started directly: it never reads stdin, ignores SIGTERM, and starts a child.
        'plain.js': `
          process.on('SIGTERM', () => {});
          const c = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
          console.log('grandchild ' + c.pid);
          setInterval(() => {}, 1000);
        `,
      },
    });

    // The host stand-in: starts a "lesson server" and exits (killing it) when its stdin closes.
    const host = (await call('POST', `/__runner/workspaces/${id}/processes`, { command: 'node', args: ['host.mjs'] })).pid as number;
    const hostOut = await (await sse(id, host)).until((e) => e.data.t === 'chunk' && e.data.data.includes('"fixture"'));
    const notice = stdoutOf(hostOut).split('\n').find((l) => l.includes('"fixture"'))!;
    const lessonServer = JSON.parse(notice.slice(1)).data.serverPid as number;

    const plain = (await call('POST', `/__runner/workspaces/${id}/processes`, { command: 'node', args: ['plain.js'] })).pid as number;
    const plainOut = await (await sse(id, plain)).until((e) => e.data.t === 'chunk' && /grandchild \d+/.test(e.data.data));
    const plainGrandchild = Number(/grandchild (\d+)/.exec(stdoutOf(plainOut))![1]);

    pids.push(host, lessonServer, plain, plainGrandchild);
    expect(pids.every(isAlive)).toBe(true);

    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    await waitFor(() => !pids.some(isAlive), 5000, () => `every process to die (alive: ${pids.filter(isAlive).join(', ')})`);
    expect(pids.filter(isAlive)).toEqual([]);
  });
});
