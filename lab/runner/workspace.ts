// One page's folder: a fresh temporary directory holding the lesson's files and a `node_modules`
// link to the shared dependencies, so `require('express')` and `import` resolve as in a project.
// Every write goes through paths.ts; mutations run one at a time.
import { lstat, mkdir, mkdtemp, open, readdir, readFile, readlink, realpath, rm, stat, symlink } from 'node:fs/promises';
import { constants, rmSync } from 'node:fs';
import { join } from 'node:path';
import { RunnerError, badRequest, overLimit } from './errors.ts';
import { isObject } from './http.ts';
import type { Limits } from './limits.ts';
import { DEPS_LINK, checkRealDir, parseRelPath, resolveForRead, resolveForWrite } from './paths.ts';
import { openForRead, openForWrite, pinnedOpen } from './pinned-open.ts';

export interface WorkspaceFiles {
  /** The workspace's real path (the cwd of its processes). */
  readonly dir: string;
  /** Replaces the lesson's files (everything but node_modules) with `files`, validated first. */
  mount(files: MountFiles): Promise<void>;
  write(path: string, content: string | Buffer): Promise<void>;
  /** Refuses (throws) a path `write` would refuse, without writing. */
  checkWritable(path: string): Promise<void>;
  read(path: string): Promise<Buffer>;
  tree(): Promise<{ files: string[]; truncated: boolean }>;
  remove(): Promise<void>;
  removeSync(): void;
}

/** A mount, validated: segments and content of every file. */
export type MountFiles = { segments: string[]; content: string }[];

const FILE_MODE = 0o644;

/** Validates a mount body `{ files: { path: content } }` in full before anything is touched. */
export function parseMount(body: unknown, limits: Limits): MountFiles {
  if (!isObject(body) || !isObject(body.files)) throw badRequest('badMount', 'the body must be { files: { path: content } }');
  const entries = Object.entries(body.files);
  if (entries.length > limits.maxFilesPerMount) {
    throw overLimit(413, 'tooManyFiles', `a mount holds at most ${limits.maxFilesPerMount} files`, limits.maxFilesPerMount);
  }
  const files: MountFiles = [];
  const names = new Set<string>();
  for (const [path, content] of entries) {
    const segments = parseRelPath(path);
    if (typeof content !== 'string') throw badRequest('badMount', `the content of ${path} must be a string`);
    if (Buffer.byteLength(content, 'utf8') > limits.maxFileBytes) {
      throw overLimit(413, 'fileTooLarge', `${path} is larger than ${limits.maxFileBytes} bytes`, limits.maxFileBytes);
    }
    files.push({ segments, content });
    names.add(segments.join('/'));
  }
  // A path that is also another path's folder ("a" and "a/b") cannot be written: refuse up front.
  for (const { segments } of files) {
    for (let i = 1; i < segments.length; i++) {
      const folder = segments.slice(0, i).join('/');
      if (names.has(folder)) throw badRequest('pathConflict', `${folder} is both a file and a folder`);
    }
  }
  return files;
}

export async function createWorkspaceFiles(parent: string, depsDir: string, limits: Limits): Promise<WorkspaceFiles> {
  const dir = await realpath(await mkdtemp(join(parent, 'session-lab-')));
  const link = join(dir, DEPS_LINK);
  let queue: Promise<unknown> = Promise.resolve();
  let removed = false;

  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(() => {
      if (removed) throw new RunnerError(404, 'workspaceNotFound', 'the workspace was disposed');
      return task();
    });
    queue = run.catch(() => undefined);
    return run;
  };

  const ensureLink = async () => {
    try {
      const st = await lstat(link);
      if (st.isSymbolicLink() && (await readlink(link)) === depsDir) return;
      await rm(link, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    await symlink(depsDir, link, 'junction');
  };

  /** Where the platform cannot pin folders (no /proc/self/fd): check the path, then open it. */
  const openChecked = async (segments: string[]) => {
    const target = await resolveForWrite(dir, segments);
    if (target.missingDirs) {
      try {
        await mkdir(target.missingDirs, { recursive: true });
      } catch (e) {
        throw fsError(e, segments);
      }
      await checkRealDir(dir, target.missingDirs);
    }
    // O_NOFOLLOW: a link swapped in at the last moment is refused, never written through.
    return open(target.path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, FILE_MODE);
  };

  const writeOne = async (segments: string[], content: string | Buffer) => {
    let handle;
    try {
      // Linux: every folder on the way pinned, so a link swapped in meanwhile cannot redirect it.
      handle = await (pinnedOpen ? openForWrite(dir, segments) : openChecked(segments));
    } catch (e) {
      if (e instanceof RunnerError) throw e;
      throw fsError(e, segments);
    }
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
  };

  await ensureLink();

  return {
    dir,
    mount(files) {
      return serial(async () => {
        for (const name of await readdir(dir)) {
          if (name === DEPS_LINK) continue;
          await rm(join(dir, name), { recursive: true, force: true });
        }
        await ensureLink();
        for (const { segments, content } of files) await writeOne(segments, content);
      });
    },
    async write(path, content) {
      const segments = parseRelPath(path);
      if (Buffer.byteLength(content) > limits.maxFileBytes) {
        throw overLimit(413, 'fileTooLarge', `${path} is larger than ${limits.maxFileBytes} bytes`, limits.maxFileBytes);
      }
      return serial(() => writeOne(segments, content));
    },
    async checkWritable(path) {
      if (removed) throw new RunnerError(404, 'workspaceNotFound', 'the workspace was disposed');
      await resolveForWrite(dir, parseRelPath(path));
    },
    async read(path) {
      const segments = parseRelPath(path);
      if (removed) throw new RunnerError(404, 'workspaceNotFound', 'the workspace was disposed');
      if (pinnedOpen) {
        let handle;
        try {
          handle = await openForRead(dir, segments);
        } catch (e) {
          if (e instanceof RunnerError) throw e;
          throw fsError(e, segments);
        }
        try {
          if ((await handle.stat()).size > limits.maxFileBytes) throw new RunnerError(413, 'fileTooLarge', `${path} is larger than ${limits.maxFileBytes} bytes`);
          return await handle.readFile();
        } finally {
          await handle.close();
        }
      }
      const real = await resolveForRead(dir, segments);
      const st = await stat(real);
      if (!st.isFile()) throw badRequest('notAFile', `${path} is not a file`);
      if (st.size > limits.maxFileBytes) throw overLimit(413, 'fileTooLarge', `${path} is larger than ${limits.maxFileBytes} bytes`, limits.maxFileBytes);
      return readFile(real);
    },
    async tree() {
      const files: string[] = [];
      let truncated = false;
      const walk = async (folder: string, prefix: string, depth: number): Promise<void> => {
        if (depth > 32) return;
        let entries;
        try {
          entries = await readdir(folder, { withFileTypes: true });
        } catch {
          return; // removed meanwhile (a lesson server rewriting its session files)
        }
        entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const entry of entries) {
          if (files.length >= limits.maxTreeEntries) {
            truncated = true;
            return;
          }
          if (depth === 0 && entry.name === DEPS_LINK) continue;
          const rel = prefix + entry.name;
          // Links are never followed (one could lead out of the workspace or loop).
          if (entry.isDirectory()) await walk(join(folder, entry.name), rel + '/', depth + 1);
          else if (entry.isFile()) files.push(rel);
        }
      };
      await walk(dir, '', 0);
      return { files, truncated };
    },
    async remove() {
      removed = true;
      await queue;
      // rm never follows links: the node_modules link goes, the shared dependencies stay.
      await rm(dir, { recursive: true, force: true, maxRetries: 2 });
    },
    removeSync() {
      removed = true;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function fsError(e: unknown, segments: string[]): RunnerError {
  const code = (e as NodeJS.ErrnoException).code;
  const path = segments.join('/');
  if (code === 'ELOOP') return new RunnerError(403, 'pathOutside', `${path} is a link; it is not written through`);
  if (code === 'EISDIR') return new RunnerError(409, 'isDirectory', `${path} is a folder`);
  if (code === 'ENOTDIR' || code === 'EEXIST') return new RunnerError(409, 'pathConflict', `a file is in the way of ${path}`);
  return new RunnerError(500, 'writeFailed', `could not write ${path}: ${(e as Error).message}`);
}
