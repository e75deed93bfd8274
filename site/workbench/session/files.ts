// A lesson's files (workspace path → text) and the pure operations the edit store builds on:
// declared once here, for the session, the edit store, the editor, sharing and the zip.

/** A lesson's files: workspace path → text. */
export type Files = Record<string, string>;

export function isFiles(value: unknown): value is Files {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((text) => typeof text === 'string');
}

/** A plain copy of the sources, later ones winning; a `__proto__` path (never a real lesson file) is dropped, not set. */
export function copyFiles(...sources: Files[]): Files {
  const out: Files = {};
  for (const files of sources) {
    for (const [path, text] of Object.entries(files)) if (path !== '__proto__') out[path] = text;
  }
  return out;
}

export function sameFiles(a: Files, b: Files): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

/** The edits that actually differ from the starter (what "nothing edited" means). */
export function effectiveEdits(edits: Files, starter: Files): Files {
  const out = copyFiles({});
  for (const [path, text] of Object.entries(edits)) {
    if (starter[path] !== text) out[path] = text;
  }
  return out;
}

/** The starter with the edits laid over it. */
export function overlay(starter: Files, edits: Files): Files {
  return copyFiles(starter, edits);
}
