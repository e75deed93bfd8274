// The runner's processes: only node, with a lab script or a workspace script, never a shell or
// node options; output over SSE, bounded; input; exit; kill; idle disposal; close().
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, openOutput, startHarness, stdoutOf, waitFor, sleep, type Harness } from './fixtures/runner/harness.ts';

let h: Harness;
let outside: string;
beforeAll(async () => {
  h = await startHarness({ limits: { maxProcessesPerWorkspace: 2, maxOutputBytes: 64 * 1024, killGraceMs: 300 } });
  outside = mkdtempSync(join(tmpdir(), 'runner-outside-'));
});
afterAll(async () => {
  await h?.close();
  rmSync(outside, { recursive: true, force: true });
});

const mount = (id: string, files: Record<string, string>) =>
  h.call('POST', `/__runner/workspaces/${id}/mount`, { body: JSON.stringify({ files }) });
const spawn = (id: string, command: unknown, args: unknown) =>
  h.call('POST', `/__runner/workspaces/${id}/processes`, { body: JSON.stringify({ command, args }) });
const output = (id: string, pid: number, headers: Record<string, string> = {}, from?: string) =>
  openOutput(h.port, `/__runner/workspaces/${id}/processes/${pid}/output?token=${h.token}${from === undefined ? '' : `&from=${from}`}`, headers);
const isExit = (e: { data: any }) => e.data.t === 'exit';

/** A script that writes a marker file when it runs: proof that it did (or did not) run. */
const MARKER_SCRIPT = (marker: string) => `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\n`;

describe('runner processes', () => {
  it('runs a workspace script with node: output over SSE, input on stdin, exit code', async () => {
    const ws = await h.workspace();
    await mount(ws.id, {
      'echo.js': `
        const express = require('express');
        console.log('deps:', express, 'env:', Object.keys(process.env).sort().join(','), 'cwd:', process.cwd());
        console.error('to stderr');
        process.stdin.setEncoding('utf8');
        let got = '';
        process.stdin.on('data', (d) => { got += d; if (got.includes('\\n')) { console.log('got ' + got.trim()); process.exit(7); } });
      `,
    });
    const started = await spawn(ws.id, 'node', ['echo.js']);
    expect(started.status).toBe(201);
    const pid = started.json.pid as number;
    expect(isAlive(pid)).toBe(true);
    const sse = await output(ws.id, pid);
    await sse.until((e) => e.data.t === 'chunk' && e.data.stream === 'stderr');
    const input = await h.call('POST', `/__runner/workspaces/${ws.id}/processes/${pid}/input`, { body: 'olá\n', headers: { 'content-type': 'text/plain' } });
    expect(input.status).toBe(200);
    const events = await sse.until(isExit);
    const out = stdoutOf(events);
    expect(out).toContain('deps: fake express');
    // A minimal environment: nothing from the runner's own environment beyond PATH and HOME, and
    // the runner's own variables (the heap bound, loopback, the tree marker: lab/README.md).
    expect(out).toMatch(/env: HOME,PATH,SESSION_LAB_HEAP_MB,SESSION_LAB_LISTEN_HOST,SESSION_LAB_TREE cwd:/);
    expect(out).toContain(`cwd: ${ws.dir}`);
    expect(out).toContain('got olá');
    expect(events.filter((e) => e.data.t === 'chunk' && e.data.stream === 'stderr').map((e) => e.data.data).join('')).toBe('to stderr\n');
    expect(events.at(-1)!.data).toEqual({ t: 'exit', code: 7, signal: null });
    await sse.closed;
    // Input to an exited process is refused.
    const late = await h.call('POST', `/__runner/workspaces/${ws.id}/processes/${pid}/input`, { body: 'x' });
    expect(late.status).toBe(409);
    await h.call('DELETE', `/__runner/workspaces/${ws.id}`);
  });

  it('resolves import of the lesson dependencies from an ES module, and runs a lab script by name', async () => {
    const ws = await h.workspace();
    await mount(ws.id, { 'main.mjs': "import express from 'express';\nconsole.log('esm', express, process.execArgv.length);\n" });
    const pid = (await spawn(ws.id, 'node', ['main.mjs'])).json.pid;
    const events = await (await output(ws.id, pid)).until(isExit);
    // The runner's own preload is invisible to the lesson (no execArgv left for fork() to copy).
    expect(stdoutOf(events)).toBe('esm fake express 0\n');

    const host = await spawn(ws.id, 'node', ['host.mjs']);
    expect(host.status).toBe(201);
    const sse = await output(ws.id, host.json.pid);
    await sse.until((e) => e.data.t === 'chunk' && e.data.data.includes('"t":"hello"'));
    expect((await h.call('DELETE', `/__runner/workspaces/${ws.id}/processes/${host.json.pid}`)).status).toBe(200);
    await sse.until(isExit);
    expect(isAlive(host.json.pid)).toBe(false);
    await h.call('DELETE', `/__runner/workspaces/${ws.id}`);
  });

  it('refuses a command other than node, and runs nothing', async () => {
    const ws = await h.workspace();
    const marker = join(ws.dir, 'marker');
    for (const command of ['sh', 'bash', '/bin/sh', process.execPath, 'node ', 'nodejs', ['node']]) {
      const reply = await spawn(ws.id, command, ['-c', `touch ${marker}`]);
      expect(reply.status, String(command)).toBe(403);
      expect(reply.json.error.key).toBe('commandNotAllowed');
    }
    await sleep(200);
    expect(existsSync(marker)).toBe(false);
    await h.call('DELETE', `/__runner/workspaces/${ws.id}`);
  });

  it('refuses node options (-e, --eval, --require, --inspect…) before the script, and runs nothing', async () => {
    const ws = await h.workspace();
    const marker = join(ws.dir, 'marker');
    await mount(ws.id, { 'ok.js': '', 'mark.js': MARKER_SCRIPT(marker) });
    for (const args of [['-e', MARKER_SCRIPT(marker)], ['--eval', MARKER_SCRIPT(marker)], ['--require', './mark.js', 'ok.js'], ['--inspect=0.0.0.0:9229', 'ok.js'], ['-', 'ok.js']]) {
      const reply = await spawn(ws.id, 'node', args);
      expect(reply.status, args.join(' ')).toBe(403);
      expect(reply.json.error.key).toBe('nodeFlagNotAllowed');
    }
    for (const args of [[], 'ok.js', [1], ['ok.js\0']]) {
      expect((await spawn(ws.id, 'node', args)).status).toBe(400);
    }
    await sleep(200);
    expect(existsSync(marker)).toBe(false);
    await h.call('DELETE', `/__runner/workspaces/${ws.id}`);
  });

  it('refuses a script outside the workspace, and runs nothing', async () => {
    const ws = await h.workspace();
    const marker = join(outside, 'marker');
    writeFileSync(join(outside, 'evil.js'), MARKER_SCRIPT(marker));
    writeFileSync(join(h.tmpRoot, 'evil.js'), MARKER_SCRIPT(marker));
    await mount(ws.id, { 'notes.txt': MARKER_SCRIPT(marker) });
    symlinkSync(join(outside, 'evil.js'), join(ws.dir, 'linked.js'));
    const cases: [string[], number][] = [
      [[join(outside, 'evil.js')], 403],
      [['../evil.js'], 403],
      [['node_modules/express/index.js'], 403],
      [['linked.js'], 403],
      [['notes.txt'], 403],
      [['missing.js'], 404],
      // Lab scripts are by name only: a path to one (or to another file of the lab folder) is refused.
      [['lesson-server.mjs'], 404],
      [['/lab/host.mjs'], 403],
    ];
    for (const [args, status] of cases) {
      const reply = await spawn(ws.id, 'node', args);
      expect(reply.status, args.join(' ')).toBe(status);
    }
    await sleep(200);
    expect(existsSync(marker)).toBe(false);
    rmSync(join(h.tmpRoot, 'evil.js'));
    await h.call('DELETE', `/__runner/workspaces/${ws.id}`);
  });

  it('bounds the processes of a workspace', async () => {
    const ws = await h.workspace();
    await mount(ws.id, { 'sleep.js': 'setInterval(() => {}, 1000);\n' });
    const a = await spawn(ws.id, 'node', ['sleep.js']);
    const b = await spawn(ws.id, 'node', ['sleep.js']);
    expect([a.status, b.status]).toEqual([201, 201]);
    const c = await spawn(ws.id, 'node', ['sleep.js']);
    expect(c.status).toBe(429);
    expect(c.json.error.key).toBe('tooManyProcesses');
    await h.call('DELETE', `/__runner/workspaces/${ws.id}/processes/${a.json.pid}`);
    expect(isAlive(a.json.pid)).toBe(false);
    const d = await spawn(ws.id, 'node', ['sleep.js']);
    expect(d.status).toBe(201);
    await h.call('DELETE', `/__runner/workspaces/${ws.id}`);
    expect(isAlive(b.json.pid)).toBe(false);
    expect(isAlive(d.json.pid)).toBe(false);
  });

  it('kills with SIGTERM, then SIGKILL when SIGTERM is ignored, and the process group with it', async () => {
    const ws = await h.workspace();
    await mount(ws.id, {
      'stubborn.js': `
        process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
        const child = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
        console.log('child ' + child.pid);
        setInterval(() => {}, 1000);
      `,
    });
    const pid = (await spawn(ws.id, 'node', ['stubborn.js'])).json.pid;
    const sse = await output(ws.id, pid);
    const events = await sse.until((e) => e.data.t === 'chunk' && /child \d+/.test(e.data.data));
    const grandchild = Number(/child (\d+)/.exec(stdoutOf(events))![1]);
    expect(isAlive(grandchild)).toBe(true);
    const killed = await h.call('DELETE', `/__runner/workspaces/${ws.id}/processes/${pid}`);
    expect(killed.status).toBe(200);
    const all = await sse.until(isExit);
    expect(stdoutOf(all)).toContain('ignoring SIGTERM');
    expect(all.at(-1)!.data).toEqual({ t: 'exit', code: null, signal: 'SIGKILL' });
    expect(isAlive(pid)).toBe(false);
    await waitFor(() => !isAlive(grandchild), 2000, 'the grandchild to die');
    await h.call('DELETE', `/__runner/workspaces/${ws.id}`);
  });

  it('kills what a process left behind when it exits on its own (nothing escapes the process bound)', async () => {
    const ws = await h.workspace();
    await mount(ws.id, {
      'leaver.js': `
        const c = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
        console.log('left ' + c.pid);
        setTimeout(() => process.exit(0), 100);
      `,
    });
    const pid = (await spawn(ws.id, 'node', ['leaver.js'])).json.pid;
    const events = await (await output(ws.id, pid)).until(isExit);
    const left = Number(/left (\d+)/.exec(stdoutOf(events))![1]);
    await waitFor(() => !isAlive(left), 2000, 'the orphan to die');
    await h.call('DELETE', `/__runner/workspaces/${ws.id}`);
  });

  it('bounds buffered output: the oldest is dropped and the stream says how much', async () => {
    const ws = await h.workspace();
    const limit = 64 * 1024;
    await mount(ws.id, {
      'flood.js': `
        const line = 'x'.repeat(1023) + '\\n';
        for (let i = 0; i < 4096; i++) process.stdout.write(line); // 4 MB
        process.stdout.write('END\\n');
      `,
    });
    const pid = (await spawn(ws.id, 'node', ['flood.js'])).json.pid;
    // No reader while it floods (the page is slow or away): wait until it has exited.
    await waitFor(() => !isAlive(pid), 10_000, 'the flood to finish');
    await sleep(300);
    const sse = await output(ws.id, pid);
    const events = await sse.until(isExit);
    const notice = events.find((e) => e.data.t === 'notice');
    expect(notice?.data.key).toBe('outputTruncated');
    expect(notice!.data.dropped).toBeGreaterThan(4 * 1024 * 1024 - limit - 8192);
    const out = stdoutOf(events);
    expect(out.endsWith('END\n')).toBe(true);
    // What was kept is within the bound: memory stays bounded however much the process writes.
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(limit);
    expect(sse.received()).toBeLessThan(limit * 1.2);
    expect(events.at(-1)!.data).toEqual({ t: 'exit', code: 0, signal: null });
    await h.call('DELETE', `/__runner/workspaces/${ws.id}`);
  });

  it('resumes a reconnecting stream from the last offset it saw, without repeating output', async () => {
    const ws = await h.workspace();
    await mount(ws.id, { 'two.js': "console.log('one'); setTimeout(() => console.log('two'), 300);\n" });
    const pid = (await spawn(ws.id, 'node', ['two.js'])).json.pid;
    const first = await output(ws.id, pid);
    const seen = await first.until((e) => e.data.t === 'chunk');
    const lastId = seen.at(-1)!.id!;
    first.close();
    const second = await output(ws.id, pid, {}, lastId);
    const events = await second.until(isExit);
    expect(stdoutOf(events)).toBe('two\n');
    await h.call('DELETE', `/__runner/workspaces/${ws.id}`);
  });

  it('refuses the output stream without the token or with a wrong one', async () => {
    const ws = await h.workspace();
    await mount(ws.id, { 'a.js': "console.log('secret')" });
    const pid = (await spawn(ws.id, 'node', ['a.js'])).json.pid;
    await expect(openOutput(h.port, `/__runner/workspaces/${ws.id}/processes/${pid}/output`)).rejects.toThrow(/WS 403/);
    await expect(openOutput(h.port, `/__runner/workspaces/${ws.id}/processes/${pid}/output?token=nope`)).rejects.toThrow(/WS 403/);
    await expect(
      openOutput(h.port, `/__runner/workspaces/${ws.id}/processes/${pid}/output?token=${h.token}`, { origin: 'http://evil.example' }),
    ).rejects.toThrow(/WS 403/);
    await h.call('DELETE', `/__runner/workspaces/${ws.id}`);
  });
});

describe('runner lifecycle', () => {
  it('disposes a workspace (killing its processes) when no output stream was ever open and no call named it for idleMs', async () => {
    const idle = await startHarness({ limits: { idleMs: 400, killGraceMs: 200 } });
    try {
      const ws = await idle.workspace();
      await idle.call('POST', `/__runner/workspaces/${ws.id}/mount`, { body: JSON.stringify({ files: { 's.js': "console.log('up'); setInterval(() => {}, 1000)" } }) });
      const pid = (await idle.call('POST', `/__runner/workspaces/${ws.id}/processes`, { body: JSON.stringify({ command: 'node', args: ['s.js'] }) })).json.pid;
      expect(isAlive(pid)).toBe(true);
      await waitFor(() => !existsSync(ws.dir), 5000, 'the idle workspace to go');
      await waitFor(() => !isAlive(pid), 5000, 'its process to end');
      expect((await idle.call('GET', `/__runner/workspaces/${ws.id}/tree`)).status).toBe(404);
    } finally {
      await idle.close();
    }
  });

  it('keeps a workspace while an output stream of it is open, however long', async () => {
    const idle = await startHarness({ limits: { idleMs: 200, goneGraceMs: 200, killGraceMs: 200 } });
    try {
      const ws = await idle.workspace();
      await idle.call('POST', `/__runner/workspaces/${ws.id}/mount`, { body: JSON.stringify({ files: { 's.js': "console.log('up'); setInterval(() => {}, 1000)" } }) });
      const pid = (await idle.call('POST', `/__runner/workspaces/${ws.id}/processes`, { body: JSON.stringify({ command: 'node', args: ['s.js'] }) })).json.pid;
      const sse = await openOutput(idle.port, `/__runner/workspaces/${ws.id}/processes/${pid}/output?token=${idle.token}`);
      await sse.until((e) => e.data.t === 'chunk');
      // Four times both bounds: the page is there, nothing is disposed.
      await sleep(800);
      expect(isAlive(pid)).toBe(true);
      expect(existsSync(ws.dir)).toBe(true);
      sse.close();
      await waitFor(() => !existsSync(ws.dir), 5000, 'the workspace of the page that went away to go');
      expect(isAlive(pid)).toBe(false);
    } finally {
      await idle.close();
    }
  });

  it('close() kills every child, removes every workspace, is idempotent, and refuses calls after', async () => {
    const local = await startHarness({ limits: { killGraceMs: 200 } });
    const pids: number[] = [];
    const dirs: string[] = [];
    for (let i = 0; i < 2; i++) {
      const ws = await local.workspace();
      dirs.push(ws.dir);
      await local.call('POST', `/__runner/workspaces/${ws.id}/mount`, { body: JSON.stringify({ files: { 's.js': "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)" } }) });
      pids.push((await local.call('POST', `/__runner/workspaces/${ws.id}/processes`, { body: JSON.stringify({ command: 'node', args: ['s.js'] }) })).json.pid);
    }
    await sleep(200);
    expect(pids.every(isAlive)).toBe(true);
    const t0 = Date.now();
    await Promise.all([local.runner.close(), local.runner.close()]);
    await local.runner.close();
    // Bounded (SIGKILL 1 s after SIGTERM), not waiting on processes that ignore SIGTERM; the
    // margin is for a loaded machine.
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(pids.some(isAlive)).toBe(false);
    expect(readdirSync(local.tmpRoot)).toEqual([]);
    const after = await local.call('POST', '/__runner/workspaces');
    expect(after.status).toBe(503);
    expect(after.json.error.key).toBe('runnerClosed');
    expect(dirs.some((d) => existsSync(d))).toBe(false);
    await local.close();
  });
});
