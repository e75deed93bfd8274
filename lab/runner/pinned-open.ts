// Opening a workspace file so that no link swapped in meanwhile can redirect it (Linux). A path is
// walked one component at a time: each folder is opened (O_DIRECTORY | O_NOFOLLOW) relative to
// the folder before it, through /proc/self/fd/<fd>/<name>. That magic link leads to the folder
// the descriptor holds, wherever it is now, so it pins the folder as openat(2) would; the learner's
// code may swap any name for a link at any moment, but each step either opens a real folder
// inside the workspace or is checked where it really leads (a link that stays inside is followed,
// as before). Missing folders are created the same way. Where /proc/self/fd is not there (macOS,
// Windows) `pinnedOpen` is false and workspace.ts checks the path, then opens it (O_NOFOLLOW on the
// last component only): see lab/README.md, "Paths", for what each platform guarantees.
import { constants, existsSync } from 'node:fs';
import { mkdir, open, readlink, type FileHandle } from 'node:fs/promises';
import { RunnerError, badRequest, notFound } from './errors.ts';
import { DEPS_LINK, isInside } from './paths.ts';

const FD_DIR = '/proc/self/fd';
export const pinnedOpen = process.platform === 'linux' && existsSync(FD_DIR);

const DIR_MODE = 0o755;
const FILE_MODE = 0o644;
const { O_RDONLY, O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW, O_DIRECTORY, O_NONBLOCK } = constants;
/** A folder made and then swapped away again and again: give up rather than loop. */
const MAX_ATTEMPTS = 8;

const outside = () => new RunnerError(403, 'pathOutside', 'that path leads out of the workspace');
const at = (dir: FileHandle, name: string) => `${FD_DIR}/${dir.fd}/${name}`;
const code = (e: unknown) => (e as NodeJS.ErrnoException).code;

/** Where an open descriptor really is: the workspace or inside it, never the dependencies' link. */
async function checkInside(root: string, handle: FileHandle): Promise<void> {
  const real = await readlink(`${FD_DIR}/${handle.fd}`).catch(() => '');
  const deps = `${root}/${DEPS_LINK}`;
  if ((real !== root && !isInside(root, real)) || real === deps || real.startsWith(`${deps}/`)) {
    await handle.close();
    throw outside();
  }
}

/** The folder `name` inside `dir`, created when `create` and missing. */
async function openFolder(root: string, dir: FileHandle, name: string, create: boolean): Promise<FileHandle> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    try {
      return await open(at(dir, name), O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    } catch (e) {
      if (code(e) === 'ENOENT') {
        if (!create) throw notFound('fileNotFound', `no folder ${name}`);
        // mkdir never follows a link in the last place: if one is there, EEXIST, and we look again.
        await mkdir(at(dir, name), DIR_MODE).catch((m: unknown) => {
          if (code(m) !== 'EEXIST') throw m;
        });
        continue;
      }
      if (code(e) !== 'ELOOP' && code(e) !== 'ENOTDIR') throw e;
    }
    // A link (or a file): follow it once, then judge the folder it led to by where it really is.
    let followed: FileHandle;
    try {
      followed = await open(at(dir, name), O_RDONLY | O_DIRECTORY);
    } catch (e) {
      if (code(e) === 'ENOENT') throw outside(); // a dangling link
      if (code(e) === 'ENOTDIR') throw new RunnerError(409, 'pathConflict', `a file is in the way of the folder ${name}`);
      if (code(e) === 'ELOOP') throw outside();
      throw e;
    }
    await checkInside(root, followed);
    return followed;
  }
  throw new RunnerError(409, 'pathConflict', `the folder ${name} keeps changing`);
}

/** Walks to the folder that holds the last segment; the caller closes what it gets. */
async function walk(root: string, segments: string[], create: boolean): Promise<FileHandle> {
  let dir = await open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  try {
    for (const name of segments.slice(0, -1)) {
      const next = await openFolder(root, dir, name, create);
      await dir.close();
      dir = next;
    }
    return dir;
  } catch (e) {
    await dir.close().catch(() => undefined);
    throw e;
  }
}

/** A regular file, or the handle is closed and the call refused (a FIFO must not block a write). */
async function regularFile(handle: FileHandle, segments: string[]): Promise<FileHandle> {
  if ((await handle.stat()).isFile()) return handle;
  await handle.close();
  throw badRequest('notAFile', `${segments.join('/')} is not a file`);
}

/**
 * Opens `segments` under `root` (a real path) for writing, truncated; missing folders are made.
 * An existing link in the last place is written through only when it leads to a file inside.
 * Errors are RunnerErrors or the system's (ELOOP, EISDIR, ENOTDIR…: workspace.ts names them).
 */
export async function openForWrite(root: string, segments: string[]): Promise<FileHandle> {
  const dir = await walk(root, segments, true);
  const name = segments.at(-1)!;
  try {
    try {
      return await regularFile(await open(at(dir, name), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK, FILE_MODE), segments);
    } catch (e) {
      if (code(e) !== 'ELOOP') throw e;
    }
    // A link: opened without truncating, judged, and only then emptied.
    let handle: FileHandle;
    try {
      handle = await open(at(dir, name), O_WRONLY | O_NONBLOCK);
    } catch (e) {
      if (code(e) === 'ENOENT' || code(e) === 'ELOOP' || code(e) === 'ENXIO') throw outside();
      throw e;
    }
    await checkInside(root, handle);
    await regularFile(handle, segments);
    await handle.truncate(0);
    return handle;
  } finally {
    await dir.close();
  }
}

/** Opens an existing file `segments` under `root` for reading, by the same walk; 404 when absent. */
export async function openForRead(root: string, segments: string[]): Promise<FileHandle> {
  const missing = () => notFound('fileNotFound', `no file ${segments.join('/')}`);
  const dir = await walk(root, segments, false).catch((e: unknown) => {
    if (e instanceof RunnerError && e.key === 'fileNotFound') throw missing();
    throw e;
  });
  const name = segments.at(-1)!;
  try {
    let handle: FileHandle;
    try {
      handle = await open(at(dir, name), O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    } catch (e) {
      if (code(e) === 'ENOENT') throw missing();
      if (code(e) !== 'ELOOP') throw e;
      try {
        handle = await open(at(dir, name), O_RDONLY | O_NONBLOCK);
      } catch {
        throw outside(); // a dangling link, or a loop
      }
      await checkInside(root, handle);
    }
    return await regularFile(handle, segments);
  } finally {
    await dir.close();
  }
}
