// Builds the dependency snapshot a WebContainer mounts at boot, so the browser never runs
// `npm install`: the lesson apps' packages are installed once here (no bin links: the snapshot
// format has no symbolic links), trimmed of what Node never loads, and packed with
// @webcontainer/snapshot. The snapshot's root is the workspace root: it holds `node_modules/`.
//
//   node scripts/snapshot.ts [outFile]      (default .cache/deps.snapshot)
//
// The installed packages are cached in .cache/snapshot-deps and reused while the package set is
// unchanged; npm prefers its cache (--prefer-offline) and retries --offline, so a machine whose
// npm cache holds the packages builds with no network.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { snapshot } from '@webcontainer/snapshot';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_CACHE_DIR = join(PROJECT_ROOT, '.cache', 'snapshot-deps');
export const DEFAULT_OUT_FILE = join(PROJECT_ROOT, '.cache', 'deps.snapshot');

/** What lesson apps and the lab's inside/ scripts may require. */
export const SNAPSHOT_PACKAGES = [
  'express',
  'express-session',
  'connect-flash',
  'session-file-store',
  'memorystore',
  'tough-cookie',
] as const;

/** Bump when the trimming below changes, so cached installs are redone. */
const PRUNE_VERSION = 1;

export interface SnapshotResult {
  /** The snapshot's size. */
  readonly bytes: number;
  /** Its size gzipped (as a static host serves it). */
  readonly gzBytes: number;
  /** Files in it. */
  readonly files: number;
  /** Whether the cached install was reused. */
  readonly reused: boolean;
}

export interface SnapshotOptions {
  /** The project whose package.json (and package-lock.json) give the versions. */
  readonly projectRoot?: string;
  readonly cacheDir?: string;
  /** Install output goes here (default: nothing shown). */
  readonly log?: (line: string) => void;
}

export async function buildSnapshot(outFile: string, options: SnapshotOptions = {}): Promise<SnapshotResult> {
  const projectRoot = options.projectRoot ?? PROJECT_ROOT;
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
  const dependencies = await snapshotDependencies(projectRoot);
  const { reused } = await installDependencies(dependencies, cacheDir, options.log);
  const inner = await snapshot(join(cacheDir, 'node_modules'));
  const packed = rootedSnapshot('node_modules', inner);
  await mkdir(dirname(resolve(outFile)), { recursive: true });
  await writeFile(outFile, packed);
  return {
    bytes: packed.byteLength,
    gzBytes: gzipSync(packed, { level: 9 }).byteLength,
    files: readSnapshot(packed).size,
    reused,
  };
}

/** name → version for SNAPSHOT_PACKAGES: the range in package.json (dependencies, else
 * devDependencies), pinned to the version package-lock.json resolved it to when there is one, so
 * the WebContainer runs what the local runner runs. */
export async function snapshotDependencies(projectRoot: string): Promise<Record<string, string>> {
  const manifest = JSON.parse(await readFile(join(projectRoot, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  let locked: Record<string, { version?: string }> = {};
  try {
    const lock = JSON.parse(await readFile(join(projectRoot, 'package-lock.json'), 'utf8')) as {
      packages?: Record<string, { version?: string }>;
    };
    locked = lock.packages ?? {};
  } catch {
    // no lock: the ranges decide
  }
  const out: Record<string, string> = {};
  for (const name of SNAPSHOT_PACKAGES) {
    const range = manifest.dependencies?.[name] ?? manifest.devDependencies?.[name];
    if (range === undefined) throw new Error(`snapshot: ${name} is not in ${join(projectRoot, 'package.json')}`);
    out[name] = locked[`node_modules/${name}`]?.version ?? range;
  }
  return out;
}

const MARKER = '.snapshot-key.json';

/** Installs `dependencies` into `cacheDir` (reused when the same set is there already). */
export async function installDependencies(
  dependencies: Record<string, string>,
  cacheDir: string,
  log?: (line: string) => void,
): Promise<{ reused: boolean }> {
  const key = JSON.stringify({ dependencies: sortKeys(dependencies), prune: PRUNE_VERSION });
  const marker = await readFile(join(cacheDir, MARKER), 'utf8').catch(() => null);
  if (marker === key && existsSync(join(cacheDir, 'node_modules'))) return { reused: true };

  // Install beside the cache and swap it in, so an interrupted install never looks complete.
  const staging = `${cacheDir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(staging, { recursive: true });
  try {
    const manifest = { name: 'session-lab-snapshot-deps', private: true, dependencies: sortKeys(dependencies) };
    await writeFile(join(staging, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const flags = ['install', '--no-bin-links', '--no-audit', '--no-fund', '--omit=dev', '--ignore-scripts', '--no-package-lock'];
    try {
      await npm([...flags, '--prefer-offline'], staging, log);
    } catch (error) {
      log?.(`npm install failed (${(error as Error).message}); retrying from the npm cache only`);
      await npm([...flags, '--offline'], staging, log);
    }
    await prune(join(staging, 'node_modules'));
    await writeFile(join(staging, MARKER), key);
    await rm(cacheDir, { recursive: true, force: true });
    await mkdir(dirname(cacheDir), { recursive: true });
    await rename(staging, cacheDir);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return { reused: false };
}

function npm(args: string[], cwd: string, log?: (line: string) => void): Promise<void> {
  const env = { ...process.env };
  // A parent `npm run` must not turn this into a global or workspace install.
  for (const name of ['npm_config_global', 'npm_config_prefix', 'npm_config_location', 'npm_config_workspace', 'npm_config_workspaces']) {
    delete env[name];
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: process.platform === 'win32',
    });
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => log?.(text.trimEnd()));
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr = (stderr + text).slice(-4_000);
      log?.(text.trimEnd());
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`npm ${args.join(' ')} exited with ${code}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`));
    });
  });
}

// ─── Trimming: only what Node never loads ────────────────────────────────────────────────────

/** Files Node never loads: source maps, type declarations, TypeScript sources, docs. */
const UNUSED_FILE = /(\.map|\.d\.[cm]?ts|\.[cm]?ts|\.tsbuildinfo|\.md|\.markdown)$/i;
/** Folders at a package's root that are never required. */
const UNUSED_PACKAGE_DIRS = ['test', 'tests', '__tests__', '.github', 'example', 'examples'];
/** Package files Node does not load because of how the package resolves (no `exports`: `main`,
 * the CommonJS build, is what both `require` and `import` get); the rest are bundler builds. */
const UNUSED_BY_NODE: Readonly<Record<string, readonly string[]>> = {
  tldts: ['dist/es6', 'dist/index.cjs.min.js', 'dist/index.esm.min.js', 'dist/index.umd.min.js', 'src', 'bin'],
  'tldts-core': ['dist/es6', 'src'],
};

async function prune(nodeModules: string): Promise<void> {
  await rm(join(nodeModules, '.package-lock.json'), { force: true });
  for (const pkg of await packageDirs(nodeModules)) {
    const name = relative(nodeModules, pkg).split('\\').join('/').replace(/^.*node_modules\//, '');
    for (const dir of UNUSED_PACKAGE_DIRS) await rm(join(pkg, dir), { recursive: true, force: true });
    for (const path of UNUSED_BY_NODE[name] ?? []) await rm(join(pkg, path), { recursive: true, force: true });
  }
  // Licenses stay, whatever their extension: they travel with the code.
  await removeFiles(nodeModules, (file) => UNUSED_FILE.test(file) && !/^licen[cs]e/i.test(file));
}

/** Every package folder (scoped and nested ones too). */
async function packageDirs(nodeModules: string): Promise<string[]> {
  if (!existsSync(nodeModules)) return [];
  const out: string[] = [];
  for (const entry of await readdir(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const path = join(nodeModules, entry.name);
    const dirs = entry.name.startsWith('@')
      ? (await readdir(path, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => join(path, e.name))
      : [path];
    for (const dir of dirs) {
      out.push(dir);
      out.push(...(await packageDirs(join(dir, 'node_modules'))));
    }
  }
  return out;
}

async function removeFiles(folder: string, unused: (name: string) => boolean): Promise<void> {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) await removeFiles(path, unused);
    else if (entry.isFile() && unused(entry.name)) await rm(path);
  }
}

// ─── The snapshot format (msgpack): `{ d: { name: { d: {…} } | { f: { c: bytes } } } }` ────────

/** The snapshot of `node_modules` as the tree of the workspace root (`{ d: { node_modules: … } }`),
 * its entries sorted so that the same packages always give the same bytes (the package walks the
 * folder in whatever order its reads finish). */
export function rootedSnapshot(folder: string, inner: Uint8Array): Buffer {
  const tree = { d: { [folder]: decodeMsgpack(inner) } };
  return Buffer.from(encodeMsgpack(sortTree(tree)));
}

function sortTree(node: unknown): unknown {
  if (!isRecord(node)) return node;
  return Object.fromEntries(
    Object.keys(node)
      .sort()
      .map((key) => [key, sortTree(node[key])]),
  );
}

/** A msgpack encoder for what a snapshot holds: maps with string keys, strings and bytes. */
export function encodeMsgpack(value: unknown): Uint8Array {
  const chunks: Uint8Array[] = [];
  const utf8 = new TextEncoder();
  const head = (bytes: number[]) => chunks.push(Uint8Array.from(bytes));
  const sized = (length: number, small: number | null, codes: [number, number, number]) => {
    if (small !== null && length < 32) head([small | length]);
    else if (length < 0x100 && codes[0] !== 0) head([codes[0], length]);
    else if (length < 0x10000) head([codes[1], length >> 8, length & 0xff]);
    else head([codes[2], (length >>> 24) & 0xff, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff]);
  };
  const write = (item: unknown): void => {
    if (typeof item === 'string') {
      const bytes = utf8.encode(item);
      sized(bytes.byteLength, 0xa0, [0xd9, 0xda, 0xdb]);
      chunks.push(bytes);
    } else if (item instanceof Uint8Array) {
      sized(item.byteLength, null, [0xc4, 0xc5, 0xc6]);
      chunks.push(item);
    } else if (isRecord(item)) {
      const entries = Object.entries(item);
      if (entries.length < 16) head([0x80 | entries.length]);
      else sized(entries.length, null, [0, 0xde, 0xdf]);
      for (const [key, child] of entries) {
        write(key);
        write(child);
      }
    } else {
      throw new Error(`msgpack: cannot encode ${typeof item}`);
    }
  };
  write(value);
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** Decodes a snapshot into path → contents (for checks and tests). */
export function readSnapshot(bytes: Uint8Array): Map<string, Uint8Array> {
  const root = decodeMsgpack(bytes);
  const files = new Map<string, Uint8Array>();
  const walk = (node: unknown, path: string) => {
    if (!isRecord(node)) throw new Error(`snapshot: bad node at '${path}'`);
    if (isRecord(node.d)) {
      for (const [name, child] of Object.entries(node.d)) walk(child, path === '' ? name : `${path}/${name}`);
    } else if (isRecord(node.f)) {
      const contents = node.f.c;
      files.set(path, contents instanceof Uint8Array ? contents : new Uint8Array());
    } else {
      throw new Error(`snapshot: bad node at '${path}'`);
    }
  };
  walk(root, '');
  return files;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !(value instanceof Uint8Array) && !Array.isArray(value);

/** A small msgpack decoder (the subset a snapshot uses, plus the usual scalars). */
export function decodeMsgpack(bytes: Uint8Array): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = new TextDecoder();
  let at = 0;
  const u8 = () => view.getUint8(at++);
  const take = (length: number) => {
    if (at + length > bytes.byteLength) throw new Error('msgpack: truncated');
    const out = bytes.subarray(at, at + length);
    at += length;
    return out;
  };
  const uint = (size: 1 | 2 | 4) => {
    const value = size === 1 ? view.getUint8(at) : size === 2 ? view.getUint16(at) : view.getUint32(at);
    at += size;
    return value;
  };
  const map = (length: number) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < length; i++) {
      const key = value();
      out[String(key)] = value();
    }
    return out;
  };
  const array = (length: number) => Array.from({ length }, () => value());
  const value = (): unknown => {
    const type = u8();
    if (type <= 0x7f) return type;
    if (type >= 0xe0) return type - 0x100;
    if ((type & 0xf0) === 0x80) return map(type & 0x0f);
    if ((type & 0xf0) === 0x90) return array(type & 0x0f);
    if ((type & 0xe0) === 0xa0) return text.decode(take(type & 0x1f));
    switch (type) {
      case 0xc0: return null;
      case 0xc2: return false;
      case 0xc3: return true;
      case 0xc4: return take(uint(1)).slice();
      case 0xc5: return take(uint(2)).slice();
      case 0xc6: return take(uint(4)).slice();
      case 0xca: { const v = view.getFloat32(at); at += 4; return v; }
      case 0xcb: { const v = view.getFloat64(at); at += 8; return v; }
      case 0xcc: return uint(1);
      case 0xcd: return uint(2);
      case 0xce: return uint(4);
      case 0xcf: { const v = view.getBigUint64(at); at += 8; return Number(v); }
      case 0xd0: { const v = view.getInt8(at); at += 1; return v; }
      case 0xd1: { const v = view.getInt16(at); at += 2; return v; }
      case 0xd2: { const v = view.getInt32(at); at += 4; return v; }
      case 0xd3: { const v = view.getBigInt64(at); at += 8; return Number(v); }
      case 0xd9: return text.decode(take(uint(1)));
      case 0xda: return text.decode(take(uint(2)));
      case 0xdb: return text.decode(take(uint(4)));
      case 0xdc: return array(uint(2));
      case 0xdd: return array(uint(4));
      case 0xde: return map(uint(2));
      case 0xdf: return map(uint(4));
      default: throw new Error(`msgpack: unsupported type 0x${type.toString(16)} at ${at - 1}`);
    }
  };
  const result = value();
  if (at !== bytes.byteLength) throw new Error('msgpack: trailing bytes');
  return result;
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

// ─── CLI ─────────────────────────────────────────────────────────────────────────────────────

if (import.meta.main) {
  const outFile = resolve(process.argv[2] ?? DEFAULT_OUT_FILE);
  const started = performance.now();
  try {
    const result = await buildSnapshot(outFile, { log: process.env.SNAPSHOT_VERBOSE ? (line) => console.error(line) : undefined });
    const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const size = (await stat(outFile)).size;
    console.log(
      `snapshot: ${relative(process.cwd(), outFile) || outFile} ${kb(size)} (${kb(result.gzBytes)} gzipped), ` +
        `${result.files} files, ${result.reused ? 'cached install' : 'fresh install'}, ${seconds} s`,
    );
  } catch (error) {
    console.error(`snapshot: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
