// Workspace paths: relative, `/`-separated, never leaving the workspace.
import { RuntimeError } from './types.ts';

/** `./src//app.js` → `src/app.js`; throws `badPath` for `..`, empty or absolute-only paths. */
export function normalizePath(path: string): string {
  const parts = path.replace(/\\/g, '/').split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length === 0 || parts.includes('..')) {
    throw new RuntimeError('runtime.error.badPath', { detail: { path } });
  }
  return parts.join('/');
}

/** The folder part of a normalized path ('' at the root). */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}
