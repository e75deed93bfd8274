// Safe path resolution inside a workspace. A path from the page is relative, '/'-separated, and
// names a file the lesson owns: never `..`, absolute, NUL, backslash or empty segments, never
// under node_modules (the link to the shared dependencies), and never a place whose real location
// (after following every existing link) is outside the workspace.
import { lstat, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { RunnerError, badRequest, refuse } from './errors.ts';

export const MAX_PATH_LENGTH = 1024;
export const DEPS_LINK = 'node_modules';

/** Validates a page-given path and returns its segments. Throws a 400/403 RunnerError. */
export function parseRelPath(path: unknown): string[] {
  if (typeof path !== 'string' || path === '') throw badRequest('badPath', 'a file path is required');
  if (path.length > MAX_PATH_LENGTH) throw badRequest('badPath', 'the file path is too long');
  if (path.includes('\0')) throw refuse('badPath', 'a file path cannot contain NUL');
  if (path.includes('\\')) throw refuse('badPath', 'use "/" in file paths, not "\\"');
  if (path.startsWith('/')) throw refuse('pathOutside', 'file paths are relative to the workspace');
  if (/^[a-zA-Z]:/.test(path)) throw refuse('pathOutside', 'file paths are relative to the workspace');
  const segments = path.split('/');
  for (const s of segments) {
    if (s === '' ) throw badRequest('badPath', `"${path}" has an empty segment`);
    if (s === '.' || s === '..') throw refuse('pathOutside', `"${path}" leaves its folder ("${s}")`);
    // A control character in a name is never a lesson file, and confuses terminals and logs.
    if (/[\u0000-\u001f\u007f]/.test(s)) throw badRequest('badPath', 'a file path cannot contain control characters');
  }
  if (segments[0]!.toLowerCase() === DEPS_LINK) {
    throw refuse('pathInNodeModules', 'node_modules holds the shared lesson dependencies and is read-only');
  }
  return segments;
}

export function isInside(root: string, real: string): boolean {
  return real.startsWith(root + sep);
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

function outside(): RunnerError {
  return refuse('pathOutside', 'that path leads out of the workspace');
}

/**
 * Where a write to `segments` lands, checked: the deepest existing ancestor resolves (realpath)
 * inside `root`, and when the file itself exists (possibly as a link) its real location is inside
 * too. Returns the real parent folder (may not exist yet: the caller creates it, then calls
 * `checkRealDir`) and the file name, or the real file when it already exists.
 * `root` must itself be a real path.
 */
export async function resolveForWrite(root: string, segments: string[]): Promise<{ path: string; missingDirs: string | null }> {
  const full = join(root, ...segments);
  if (await exists(full)) {
    let real: string;
    try {
      real = await realpath(full);
    } catch {
      throw outside(); // a dangling link
    }
    if (!isInside(root, real)) throw outside();
    if (isUnderDeps(root, real)) throw refuse('pathInNodeModules', 'node_modules is read-only');
    return { path: real, missingDirs: null };
  }
  // The file does not exist: find its deepest existing ancestor and resolve that.
  let i = segments.length - 1;
  while (i > 0 && !(await exists(join(root, ...segments.slice(0, i))))) i--;
  const existing = join(root, ...segments.slice(0, i));
  let realExisting: string;
  try {
    realExisting = await realpath(existing);
  } catch {
    throw outside();
  }
  if (realExisting !== root && !isInside(root, realExisting)) throw outside();
  const rest = segments.slice(i);
  const path = join(realExisting, ...rest);
  if (isUnderDeps(root, path)) throw refuse('pathInNodeModules', 'node_modules is read-only');
  return { path, missingDirs: rest.length > 1 ? join(realExisting, ...rest.slice(0, -1)) : null };
}

/** After creating folders: the folder is still really inside `root` (a racing link is refused). */
export async function checkRealDir(root: string, dir: string): Promise<void> {
  const real = await realpath(dir);
  if (real !== root && !isInside(root, real)) throw outside();
}

/** The real location of an existing file, inside `root`; 404 when it does not exist. */
export async function resolveForRead(root: string, segments: string[]): Promise<string> {
  const full = join(root, ...segments);
  let real: string;
  try {
    real = await realpath(full);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !(await exists(full))) {
      throw new RunnerError(404, 'fileNotFound', `no file ${segments.join('/')}`);
    }
    throw outside(); // a dangling link, or a link loop
  }
  if (!isInside(root, real)) throw outside();
  return real;
}

function isUnderDeps(root: string, path: string): boolean {
  const deps = join(root, DEPS_LINK);
  return path === deps || path.startsWith(deps + sep);
}
