// The dependency snapshot for WebContainers, built for real (npm, from its cache when it can).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PROJECT_ROOT,
  SNAPSHOT_PACKAGES,
  buildSnapshot,
  decodeMsgpack,
  encodeMsgpack,
  readSnapshot,
  snapshotDependencies,
  type SnapshotResult,
} from '../../scripts/snapshot.ts';

const run = promisify(execFile);
let dir: string;
let outFile: string;
let result: SnapshotResult;
let files: Map<string, Uint8Array>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'snapshot-test-'));
  outFile = join(dir, 'out', 'deps.snapshot');
  result = await buildSnapshot(outFile);
  files = readSnapshot(await readFile(outFile));
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const text = (path: string) => new TextDecoder().decode(files.get(path));

describe('dependency snapshot', () => {
  it('is under 1 MB gzipped, and its sizes are what was written', async () => {
    expect(result.gzBytes).toBeLessThan(1024 * 1024);
    expect(result.gzBytes).toBeGreaterThan(50 * 1024); // not empty either
    expect(result.bytes).toBe((await stat(outFile)).size);
    expect(result.files).toBe(files.size);
  });

  it('is rooted at the workspace root: everything under node_modules/', () => {
    expect(files.size).toBeGreaterThan(100);
    for (const path of files.keys()) expect(path.startsWith('node_modules/'), path).toBe(true);
  });

  it('holds every lesson package, at the versions the project locked', async () => {
    const versions = await snapshotDependencies(PROJECT_ROOT);
    for (const name of SNAPSHOT_PACKAGES) {
      const manifest = JSON.parse(text(`node_modules/${name}/package.json`)) as { version: string };
      expect(versions[name], name).toMatch(/^\d+\.\d+\.\d+/); // pinned by package-lock.json
      expect(manifest.version, name).toBe(versions[name]);
    }
    expect(files.has('node_modules/express/index.js')).toBe(true);
    expect(files.has('node_modules/express-session/index.js')).toBe(true);
    expect(text('node_modules/express/package.json')).toMatch(/"version": "5\./);
  });

  it('has no bin links, source maps, type declarations or tests', () => {
    const paths = [...files.keys()];
    expect(paths.filter((p) => p.includes('/.bin/'))).toEqual([]);
    expect(paths.filter((p) => /\.(map|d\.ts|d\.cts|tsbuildinfo)$/.test(p))).toEqual([]);
    expect(paths.filter((p) => /^node_modules\/(@[^/]+\/)?[^/]+\/tests?\//.test(p))).toEqual([]);
    expect(paths.filter((p) => /\/LICEN[CS]E/i.test(p)).length).toBeGreaterThan(10); // licenses stay
  });

  it('is the same bytes every time (sorted entries), reusing the cached install', async () => {
    const again = join(dir, 'again.snapshot');
    const second = await buildSnapshot(again);
    expect(second.reused).toBe(true);
    expect(Buffer.compare(await readFile(again), await readFile(outFile))).toBe(0);
  });

  it('works as mounted: an express-session app with every store, and tough-cookie, from its files alone', async () => {
    const root = join(dir, 'workspace');
    for (const [path, contents] of files) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), contents);
    }
    await writeFile(
      join(root, 'check.cjs'),
      `
      const express = require('express');
      const session = require('express-session');
      const flash = require('connect-flash');
      const FileStore = require('session-file-store')(session);
      const MemoryStore = require('memorystore')(session);
      const { CookieJar } = require('tough-cookie');
      new FileStore({ path: __dirname + '/sessions', logFn() {} });
      const app = express();
      app.use(session({ secret: 's', resave: false, saveUninitialized: false, store: new MemoryStore({ checkPeriod: 0 }) }));
      app.use(flash());
      app.get('/', (req, res) => { req.session.n = (req.session.n || 0) + 1; res.send(String(req.session.n)); });
      const server = app.listen(0, '127.0.0.1', async () => {
        const url = 'http://127.0.0.1:' + server.address().port + '/';
        const jar = new CookieJar();
        for (let i = 0; i < 2; i++) {
          const cookie = await jar.getCookieString(url);
          const res = await fetch(url, { headers: cookie ? { cookie } : {} });
          for (const c of res.headers.getSetCookie()) await jar.setCookie(c, url);
          process.stdout.write(await res.text() + ' ');
        }
        server.close();
        process.stdout.write((await jar.getCookies(url)).map((c) => c.key).join(','));
        process.exit(0);
      });
      `,
    );
    await writeFile(
      join(root, 'check.mjs'),
      `import express from 'express'; import session from 'express-session'; import { CookieJar } from 'tough-cookie';
       console.log(typeof express, typeof session, typeof new CookieJar().setCookie);`,
    );
    const cjs = await run(process.execPath, ['check.cjs'], { cwd: root, timeout: 20_000 });
    expect(cjs.stdout).toBe('1 2 connect.sid');
    const esm = await run(process.execPath, ['check.mjs'], { cwd: root, timeout: 20_000 });
    expect(esm.stdout.trim()).toBe('function function function');
  });
});

describe('msgpack helpers', () => {
  it('round-trip what a snapshot holds (maps of every size, strings, bytes)', () => {
    const big = Object.fromEntries(Array.from({ length: 70_000 }, (_, i) => [`k${i}`, 'v']));
    const value = {
      d: {
        'a.txt': { f: { c: new Uint8Array([1, 2, 3]) } },
        [`long-${'x'.repeat(300)}`]: { f: { c: new Uint8Array(70_000).fill(7) } },
        many: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, { f: { c: new Uint8Array(0) } }])),
        big,
        ü: 'ünïcødé',
      },
    };
    expect(decodeMsgpack(encodeMsgpack(value))).toEqual(value);
  });
});
