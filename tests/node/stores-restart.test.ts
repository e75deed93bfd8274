// Lesson 6 (stores), for real: the same scenario against the lesson's starter (express-session's
// MemoryStore) and its solution (session-file-store), driven through the host as the workbench
// drives it. Browser A stores a session, the server restarts, and A comes back with its cookie:
// MemoryStore has forgotten the session, the file store still has it.
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadLesson, localizeFiles, type Files } from '../../lab/lessons/load.ts';
import { HostDriver, type Json } from './fixtures/inside/harness.ts';

const root = join(import.meta.dirname, '../..');
const lesson = loadLesson(join(root, 'lessons'), '06-stores');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean();
});

function workspace(files: Files): string {
  const dir = mkdtempSync(join(tmpdir(), 'stores-'));
  for (const [path, text] of Object.entries(localizeFiles(files, lesson.texts.en.text.messages, lesson.folder))) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const body = (reply: Json): string => reply.result.hops.at(-1).response.body;
const sentCookie = (reply: Json): string | undefined =>
  reply.result.hops[0].request.headers.find(([name]: [string, string]) => name === 'cookie')?.[1];

/** Sets a session as Browser A, restarts the server, and asks for the session again. */
async function setRestartGet(dir: string) {
  const host = new HostDriver(dir);
  cleanups.push(() => host.close());
  const started = await host.command('start', { entry: lesson.meta.entry, env: lesson.meta.env });
  expect(started.ok, JSON.stringify(started)).toBe(true);

  const home = await host.command('request', { browser: 'A', path: '/' });
  const set = await host.command('request', { browser: 'A', path: '/set-session' });
  expect(set.ok, JSON.stringify(set)).toBe(true);
  expect(body(set)).toContain('Session data set!');
  const cookie = set.result.jar.find((c: Json) => c.name === 'connect.sid');
  expect(cookie?.value).toMatch(/^s%3A[\w-]{32}\./);
  expect(body(await host.command('request', { browser: 'A', path: '/get-session' }))).toContain('"username":"ada"');

  const restarted = await host.command('restart');
  expect(restarted.ok, JSON.stringify(restarted)).toBe(true);
  expect(restarted.result.pid).not.toBe(started.result.pid);
  await host.waitFrame((f) => f.t === 'exit' && f.pid === started.result.pid && f.requested === true);

  const after = await host.command('request', { browser: 'A', path: '/get-session' });
  expect(after.ok, JSON.stringify(after)).toBe(true);
  // The browser still holds its cookie and sends it after the restart either way.
  expect(sentCookie(after)).toBe(`connect.sid=${cookie.value}`);
  return { home: body(home), after: body(after), jar: after.result.jar as Json[], cookie };
}

describe('lesson 6: a session across a server restart', () => {
  test('the solution keeps it: session-file-store has it in a file, and A is still ada', async () => {
    const dir = workspace(lesson.solution);
    const { home, after, jar, cookie } = await setRestartGet(dir);
    expect(home).toContain('kept in FileStore');
    expect(after).toContain('User info: {"username":"ada","role":"admin"}');
    expect(jar).toEqual([expect.objectContaining({ name: 'connect.sid', value: cookie.value })]);
    const sid = decodeURIComponent(cookie.value).slice(2).split('.')[0];
    expect(readdirSync(join(dir, 'sessions'))).toEqual([`${sid}.json`]);
    expect(JSON.parse(readFileSync(join(dir, 'sessions', `${sid}.json`), 'utf8'))).toMatchObject({ user: { username: 'ada' } });
  });

  test('the starter loses it: MemoryStore died with the process, though the cookie is still in the browser', async () => {
    const dir = workspace(lesson.app);
    const { home, after, jar, cookie } = await setRestartGet(dir);
    expect(home).toContain('kept in MemoryStore');
    expect(after).toContain('No session data found');
    expect(jar).toEqual([expect.objectContaining({ name: 'connect.sid', value: cookie.value })]);
    expect(existsSync(join(dir, 'sessions'))).toBe(false);
  });
});
