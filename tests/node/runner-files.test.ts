// The runner's workspaces and files: everything is written inside the workspace, never through
// a link out of it or into the shared node_modules, within the bounds. A refusal writes nothing.
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, waitFor, type Harness } from './fixtures/runner/harness.ts';

const LIMITS = { maxWorkspaces: 3, maxFileBytes: 1024, maxFilesPerMount: 5, maxBodyBytes: 64 * 1024 };

let h: Harness;
let outside: string;
beforeAll(async () => {
  h = await startHarness({ limits: LIMITS });
  outside = mkdtempSync(join(tmpdir(), 'runner-outside-'));
});
afterAll(async () => {
  await h?.close();
  rmSync(outside, { recursive: true, force: true });
});
afterEach(() => {
  // Every test disposes what it made: nothing is left behind.
  expect(h.workspaces()).toEqual([]);
});

const mount = (id: string, files: Record<string, unknown>) =>
  h.call('POST', `/__runner/workspaces/${id}/mount`, { body: JSON.stringify({ files }) });
const put = (id: string, path: string, body: string) =>
  h.call('PUT', `/__runner/workspaces/${id}/files?path=${encodeURIComponent(path)}`, { body, headers: { 'content-type': 'text/plain' } });
const get = (id: string, path: string) => h.call('GET', `/__runner/workspaces/${id}/files?path=${encodeURIComponent(path)}`);
const dispose = (id: string) => h.call('DELETE', `/__runner/workspaces/${id}`);

describe('runner workspaces and files', () => {
  it('creates a workspace with node_modules linked to the dependencies, and removes it on dispose', async () => {
    const ws = await h.workspace();
    expect(lstatSync(join(ws.dir, 'node_modules')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(ws.dir, 'node_modules'))).toBe(h.depsDir);
    expect((await dispose(ws.id)).status).toBe(200);
    expect(existsSync(ws.dir)).toBe(false);
    // The shared dependencies survive the workspace.
    expect(readFileSync(join(h.depsDir, 'express', 'index.js'), 'utf8')).toContain('fake express');
    expect((await dispose(ws.id)).status).toBe(404);
  });

  it('mounts, reads back, lists the tree, and replaces the lesson files on the next mount', async () => {
    const ws = await h.workspace();
    const files = { 'server.js': 'console.log("hi")\n', 'views/index.ejs': '<h1>ção</h1>\n', 'package.json': '{"type":"commonjs"}' };
    expect((await mount(ws.id, files)).status).toBe(200);
    expect(readFileSync(join(ws.dir, 'views/index.ejs'), 'utf8')).toBe('<h1>ção</h1>\n');
    const back = await get(ws.id, 'views/index.ejs');
    expect(back.status).toBe(200);
    expect(back.text).toBe('<h1>ção</h1>\n');
    expect(back.headers['content-type']).toMatch(/^text\/plain/);
    // A file the lesson's server wrote (e.g. session-file-store) shows in the tree.
    writeFileSync(join(ws.dir, 'sessions.json'), '{}');
    expect((await h.call('GET', `/__runner/workspaces/${ws.id}/tree`)).json).toEqual({
      files: ['package.json', 'server.js', 'sessions.json', 'views/index.ejs'],
    });

    expect((await put(ws.id, 'routes/auth.js', 'module.exports = 1;\n')).status).toBe(200);
    expect(readFileSync(join(ws.dir, 'routes/auth.js'), 'utf8')).toBe('module.exports = 1;\n');

    expect((await mount(ws.id, { 'app.js': 'x' })).status).toBe(200);
    expect(readdirSync(ws.dir).sort()).toEqual(['app.js', 'node_modules']);
    expect(lstatSync(join(ws.dir, 'node_modules')).isSymbolicLink()).toBe(true);
    expect((await get(ws.id, 'server.js')).json.error.key).toBe('fileNotFound');
    await dispose(ws.id);
  });

  it('refuses paths with .., absolute paths, NUL, backslashes and empty segments, writing nothing', async () => {
    const ws = await h.workspace();
    const bad = ['../escape.js', 'a/../../escape.js', '/etc/escape.js', `${outside}/escape.js`, 'a\0b.js', 'a\\..\\b.js', 'a//b.js', '', './a.js', 'C:/x.js'];
    for (const path of bad) {
      const m = await mount(ws.id, { [path]: 'x' });
      expect(m.status, JSON.stringify(path)).toBeGreaterThanOrEqual(400);
      expect(m.status).toBeLessThan(500);
      expect(m.json.error.key).toMatch(/^(badPath|pathOutside)$/);
      const p = await put(ws.id, path, 'x');
      expect(p.status, JSON.stringify(path)).toBeGreaterThanOrEqual(400);
      expect(p.status).toBeLessThan(500);
    }
    expect((await get(ws.id, '../../etc/passwd')).status).toBe(403);
    expect(readdirSync(ws.dir)).toEqual(['node_modules']);
    expect(readdirSync(outside)).toEqual([]);
    expect(existsSync(join(h.tmpRoot, 'escape.js'))).toBe(false);
    await dispose(ws.id);
  });

  it('refuses a mount holding one bad path without touching the current files', async () => {
    const ws = await h.workspace();
    await mount(ws.id, { 'keep.js': 'kept' });
    const reply = await mount(ws.id, { 'new.js': 'x', '../bad.js': 'x' });
    expect(reply.status).toBe(403);
    expect(readdirSync(ws.dir).sort()).toEqual(['keep.js', 'node_modules']);
    await dispose(ws.id);
  });

  it('refuses to write through a link that leads out of the workspace', async () => {
    const ws = await h.workspace();
    symlinkSync(outside, join(ws.dir, 'out'));
    writeFileSync(join(outside, 'target.txt'), 'original');
    symlinkSync(join(outside, 'target.txt'), join(ws.dir, 'link.txt'));

    const a = await put(ws.id, 'out/pwned.js', 'x');
    expect(a.status).toBe(403);
    expect(a.json.error.key).toBe('pathOutside');
    const b = await put(ws.id, 'out/deeper/pwned.js', 'x');
    expect(b.status).toBe(403);
    const c = await put(ws.id, 'link.txt', 'overwritten');
    expect(c.status).toBe(403);
    // A link made by the lesson must not leak what it points to either.
    expect((await get(ws.id, 'link.txt')).status).toBe(403);
    expect((await get(ws.id, 'out/target.txt')).status).toBe(403);
    expect(readdirSync(outside).sort()).toEqual(['target.txt']);
    expect(readFileSync(join(outside, 'target.txt'), 'utf8')).toBe('original');
    // The tree never follows links.
    expect((await h.call('GET', `/__runner/workspaces/${ws.id}/tree`)).json.files).toEqual([]);
    await dispose(ws.id);
    expect(readFileSync(join(outside, 'target.txt'), 'utf8')).toBe('original');
  });

  it('follows a link that stays inside the workspace', async () => {
    const ws = await h.workspace();
    await mount(ws.id, { 'real/a.txt': 'one' });
    symlinkSync(join(ws.dir, 'real'), join(ws.dir, 'alias'));
    expect((await put(ws.id, 'alias/b.txt', 'two')).status).toBe(200);
    expect(readFileSync(join(ws.dir, 'real/b.txt'), 'utf8')).toBe('two');
    expect((await get(ws.id, 'alias/a.txt')).text).toBe('one');
    await dispose(ws.id);
  });

  it('refuses writing into node_modules (the shared dependencies), directly or through its link', async () => {
    const ws = await h.workspace();
    const target = join(h.depsDir, 'express', 'index.js');
    const before = readFileSync(target, 'utf8');
    for (const path of ['node_modules/express/index.js', 'node_modules/evil.js', 'NODE_MODULES/express/index.js']) {
      const p = await put(ws.id, path, 'module.exports = "pwned"');
      expect(p.status, path).toBe(403);
      expect(p.json.error.key).toBe('pathInNodeModules');
      expect((await mount(ws.id, { [path]: 'pwned' })).status).toBe(403);
    }
    // A link the lesson made to node_modules leads out of the workspace as well.
    symlinkSync(join(ws.dir, 'node_modules'), join(ws.dir, 'deps'));
    expect((await put(ws.id, 'deps/express/index.js', 'pwned')).status).toBe(403);
    expect(readFileSync(target, 'utf8')).toBe(before);
    expect(existsSync(join(h.depsDir, 'evil.js'))).toBe(false);
    await dispose(ws.id);
  });

  it('bounds the number of workspaces: at the limit the least recently active one makes room', async () => {
    const made: { id: string; dir: string }[] = [];
    for (let i = 0; i < LIMITS.maxWorkspaces; i++) made.push(await h.workspace());
    const reply = await h.call('POST', '/__runner/workspaces');
    expect(reply.status).toBe(201);
    // Still at the limit: the oldest (made[0]) was suspended, its folder removed (its processes are
    // stopped first, so the folder goes a moment after the new workspace is made).
    await waitFor(() => !existsSync(made[0]!.dir), 5000, 'the suspended workspace’s folder to go');
    expect(h.workspaces()).toHaveLength(LIMITS.maxWorkspaces);
    const gone = await h.call('GET', `/__runner/workspaces/${made[0]!.id}/tree`);
    expect(gone.status).toBe(410);
    expect(gone.json.error).toMatchObject({ key: 'workspaceSuspended', limit: LIMITS.maxWorkspaces });
    await Promise.all([...made.slice(1).map((w) => dispose(w.id)), dispose(reply.json.id)]);
    expect(h.workspaces()).toHaveLength(0);
  });

  it('bounds the size of a file and the number of files in a mount, writing nothing', async () => {
    const ws = await h.workspace();
    const big = 'x'.repeat(LIMITS.maxFileBytes + 1);
    const m = await mount(ws.id, { 'big.js': big });
    expect(m.status).toBe(413);
    expect(m.json.error.key).toBe('fileTooLarge');
    const p = await put(ws.id, 'big.js', big);
    expect(p.status).toBe(413);
    expect(p.json.error.key).toBe('fileTooLarge');
    // UTF-8 bytes count, not characters.
    expect((await put(ws.id, 'accents.js', 'é'.repeat(LIMITS.maxFileBytes / 2 + 1))).status).toBe(413);
    const many = Object.fromEntries(Array.from({ length: LIMITS.maxFilesPerMount + 1 }, (_, i) => [`f${i}.js`, 'x']));
    const n = await mount(ws.id, many);
    expect(n.status).toBe(413);
    expect(n.json.error.key).toBe('tooManyFiles');
    expect(readdirSync(ws.dir)).toEqual(['node_modules']);
    // Exactly at the bound is fine.
    expect((await put(ws.id, 'edge.js', 'x'.repeat(LIMITS.maxFileBytes))).status).toBe(200);
    // A file grown past the bound by the lesson is not read back whole.
    writeFileSync(join(ws.dir, 'grown.log'), big);
    expect((await get(ws.id, 'grown.log')).status).toBe(413);
    await dispose(ws.id);
  });

  it('bounds the request body', async () => {
    const ws = await h.workspace();
    const body = JSON.stringify({ files: { 'a.js': 'x'.repeat(LIMITS.maxBodyBytes) } });
    const reply = await h.call('POST', `/__runner/workspaces/${ws.id}/mount`, { body });
    expect(reply.status).toBe(413);
    expect(reply.json.error.key).toBe('bodyTooLarge');
    expect(readdirSync(ws.dir)).toEqual(['node_modules']);
    await dispose(ws.id);
  });

  it('refuses malformed mounts', async () => {
    const ws = await h.workspace();
    expect((await h.call('POST', `/__runner/workspaces/${ws.id}/mount`, { body: '{' })).json.error.key).toBe('badJson');
    expect((await mount(ws.id, { 'a.js': 42 })).json.error.key).toBe('badMount');
    expect((await mount(ws.id, { a: 'x', 'a/b.js': 'y' })).json.error.key).toBe('pathConflict');
    expect(readdirSync(ws.dir)).toEqual(['node_modules']);
    await dispose(ws.id);
  });
});
