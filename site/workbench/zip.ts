// "Download": the lesson's files as a zip, every file under one folder (so unzipping never
// scatters files into the learner's Downloads folder).
import { strToU8, zipSync, type Zippable } from 'fflate';
import type { Files } from './session/files.ts';

/** A safe single path segment for the folder and the file name. */
export function safeName(name: string): string {
  const cleaned = name
    .normalize('NFKC')
    .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '-')
    .replace(/^[.\s-]+|[.\s-]+$/g, '');
  return cleaned || 'session-lab';
}

/** A relative path inside the folder: no leading slash, no `.` or `..` segments. */
export function safePath(path: string): string | null {
  const parts = path.replace(/\\/g, '/').split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length === 0 || parts.some((part) => part === '..')) return null;
  return parts.join('/');
}

export function zipFiles(files: Files, folder: string): Uint8Array {
  const root = safeName(folder);
  const entries: Zippable = {};
  for (const path of Object.keys(files).sort()) {
    const relative = safePath(path);
    const text = files[path];
    if (relative === null || text === undefined) continue;
    entries[`${root}/${relative}`] = strToU8(text);
  }
  return zipSync(entries, { level: 6 });
}

/**
 * Saves `<name>.zip` holding the files under `<name>/` (a trailing `.zip` in `name` is not
 * doubled). Also takes an archive already made by zipFiles. Browser only.
 */
export function downloadZip(files: Files | Uint8Array, name: string): void {
  const base = safeName(name.replace(/\.zip$/i, ''));
  const bytes = files instanceof Uint8Array ? files : zipFiles(files, base);
  const blob = new Blob([new Uint8Array(bytes)], { type: 'application/zip' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `${base}.zip`;
  link.hidden = true;
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    // Revoking at once can cancel the download in some browsers; a minute is plenty.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}
