// The learner's edits, per lesson, in localStorage — never lost.
//
// Keys (the version is in the key, so a future format can live beside this one):
//   session-lab:v1:edits:<lesson>  JSON { [path]: text }   saved edits, overlaid on the starter
//   session-lab:v1:undo:<lesson>   JSON { edits, starter } the state before the last reset/apply
//
// Rules that keep work safe:
// - A write that fails (quota) throws StorageFullError but the text stays in memory: `load()` in
//   this page still returns it, and the next successful write persists it.
// - reset/apply first store an undo snapshot; if that cannot be stored, nothing changes.
// - undo swaps: the state it replaces becomes the new snapshot, so a second undo brings it back.
// - A reset or apply that changes nothing keeps the existing snapshot (a second reset never
//   overwrites the work the first one put aside).
// - Unreadable stored values are ignored on read and never deleted.

export type Files = Record<string, string>;

export type EditStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface EditStore {
  /** The starter overlaid with the saved edits; files the learner created are kept. */
  load(lesson: string, starter: Files): Files;
  /** Saves one file's text. Throws StorageFullError when the browser's quota is exceeded. */
  save(lesson: string, path: string, text: string): void;
  /** Whether the learner's current text of `path` differs from the starter's. */
  isEdited(lesson: string, path: string, starter: Files): boolean;
  /** Back to the starter; the previous state becomes the undo snapshot. */
  reset(lesson: string, starter: Files): Files;
  /** The solution's files replace the learner's (files only the learner has are kept); undoable. */
  apply(lesson: string, solution: Files): Files;
  /** Restores the snapshot (and keeps the replaced state as the new one); null when there is none. */
  undo(lesson: string): Files | null;
  canUndo(lesson: string): boolean;
}

export const STORAGE_PREFIX = 'session-lab:v1:';
export const STORAGE_FULL_KEY = 'editor.error.storageFull';

export const editsKey = (lesson: string): string => `${STORAGE_PREFIX}edits:${lesson}`;
export const undoKey = (lesson: string): string => `${STORAGE_PREFIX}undo:${lesson}`;

/** Thrown when the browser refuses to store more. `key` (and `message`) is the i18n key to show. */
export class StorageFullError extends Error {
  readonly key = STORAGE_FULL_KEY;
  constructor(options?: { cause?: unknown }) {
    super(STORAGE_FULL_KEY, options);
    this.name = 'StorageFullError';
  }
}

export function isStorageFullError(error: unknown): error is StorageFullError {
  return error instanceof StorageFullError;
}

/** Chromium/WebKit: QuotaExceededError (code 22); old Firefox: NS_ERROR_DOM_QUOTA_REACHED (1014). */
export function isQuotaError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || code === 22 || code === 1014;
}

interface UndoSnapshot {
  edits: Files;
  starter: Files;
}

function isFiles(value: unknown): value is Files {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((text) => typeof text === 'string');
}

/** A plain copy; a `__proto__` path (never a real lesson file) is dropped, not set. */
function copy(...sources: Files[]): Files {
  const out: Files = {};
  for (const files of sources) {
    for (const [path, text] of Object.entries(files)) if (path !== '__proto__') out[path] = text;
  }
  return out;
}

function sameFiles(a: Files, b: Files): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

/** The edits that actually differ from the starter (what "nothing edited" means). */
function effectiveEdits(edits: Files, starter: Files): Files {
  const out = copy({});
  for (const [path, text] of Object.entries(edits)) {
    if (starter[path] !== text) out[path] = text;
  }
  return out;
}

function overlay(starter: Files, edits: Files): Files {
  return copy(starter, edits);
}

/** A Storage that lives in memory only: used when localStorage is not available at all. */
export function createMemoryStorage(): EditStorage {
  const map = new Map<string, string>();
  return {
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, String(value)),
    removeItem: (key) => void map.delete(key),
  };
}

function defaultStorage(): EditStorage {
  try {
    // Accessing localStorage throws in some privacy modes and sandboxed iframes.
    const storage = globalThis.localStorage;
    if (storage) return storage;
  } catch {
    // fall through
  }
  return createMemoryStorage();
}

export function createEditStore(storage: EditStorage = defaultStorage()): EditStore {
  /** Edits not yet persisted (the last write failed), by lesson. They win over storage. */
  const pending = new Map<string, Files>();
  /** The last starter seen per lesson, so apply() can return complete files. */
  const starters = new Map<string, Files>();

  function readJson(key: string): unknown {
    let raw: string | null;
    try {
      raw = storage.getItem(key);
    } catch {
      return null;
    }
    if (raw === null) return null;
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return null;
    }
  }

  function readEdits(lesson: string): Files {
    const held = pending.get(lesson);
    if (held) return copy(held);
    const value = readJson(editsKey(lesson));
    return isFiles(value) ? copy(value) : copy({});
  }

  function readSnapshot(lesson: string): UndoSnapshot | null {
    const value = readJson(undoKey(lesson));
    if (typeof value !== 'object' || value === null) return null;
    const { edits, starter } = value as Partial<UndoSnapshot>;
    return isFiles(edits) && isFiles(starter) ? { edits: copy(edits), starter: copy(starter) } : null;
  }

  function setRaw(key: string, value: string | null): void {
    try {
      if (value === null) storage.removeItem(key);
      else storage.setItem(key, value);
    } catch (error) {
      if (isQuotaError(error)) throw new StorageFullError({ cause: error });
      throw error;
    }
  }

  function rawOf(key: string): string | null {
    try {
      return storage.getItem(key);
    } catch {
      return null;
    }
  }

  /** Writes several keys; if one fails, the ones already written are put back as they were. */
  function writeAll(writes: [key: string, value: string | null][]): void {
    const before = writes.map(([key]) => [key, rawOf(key)] as const);
    const done: number[] = [];
    try {
      writes.forEach(([key, value], index) => {
        setRaw(key, value);
        done.push(index);
      });
    } catch (error) {
      for (const index of done.reverse()) {
        const entry = before[index];
        if (!entry) continue;
        try {
          setRaw(entry[0], entry[1]);
        } catch {
          // Best effort: the previous value was stored before, so this rarely fails.
        }
      }
      throw error;
    }
  }

  const editsValue = (edits: Files): string | null =>
    Object.keys(edits).length === 0 ? null : JSON.stringify(edits);

  function starterFor(lesson: string, fallback?: Files): Files {
    return copy(starters.get(lesson) ?? fallback ?? {});
  }

  /** Replaces the lesson's edits by `next`, keeping what was there as the undo snapshot. */
  function replace(lesson: string, current: UndoSnapshot, next: Files): void {
    const changed = !sameFiles(
      overlay(current.starter, current.edits),
      overlay(current.starter, next),
    );
    const writes: [string, string | null][] = [];
    // Snapshot first: if it cannot be stored, the edits are not touched.
    if (changed) writes.push([undoKey(lesson), JSON.stringify(current)]);
    writes.push([editsKey(lesson), editsValue(next)]);
    writeAll(writes);
    pending.delete(lesson);
  }

  return {
    load(lesson, starter) {
      starters.set(lesson, copy(starter));
      return overlay(starter, readEdits(lesson));
    },

    save(lesson, path, text) {
      const edits = readEdits(lesson);
      if (path === '__proto__') return;
      edits[path] = text;
      // In memory first: whatever happens to the write, this page keeps the text.
      pending.set(lesson, edits);
      setRaw(editsKey(lesson), JSON.stringify(edits));
      pending.delete(lesson);
    },

    isEdited(lesson, path, starter) {
      const edits = readEdits(lesson);
      return Object.hasOwn(edits, path) && edits[path] !== starter[path];
    },

    reset(lesson, starter) {
      starters.set(lesson, copy(starter));
      const edits = effectiveEdits(readEdits(lesson), starter);
      if (Object.keys(edits).length > 0) replace(lesson, { edits, starter: copy(starter) }, copy({}));
      else if (pending.has(lesson) || rawOf(editsKey(lesson)) !== null) {
        // Only copies of the starter were stored: drop them, keep the existing snapshot.
        writeAll([[editsKey(lesson), null]]);
        pending.delete(lesson);
      }
      return copy(starter);
    },

    apply(lesson, solution) {
      const starter = starterFor(lesson);
      const edits = readEdits(lesson);
      // Keep the files only the learner has (neither in the starter nor in the solution).
      const next = copy({});
      for (const [path, text] of Object.entries(edits)) {
        if (!Object.hasOwn(starter, path) && !Object.hasOwn(solution, path)) next[path] = text;
      }
      Object.assign(next, copy(solution));
      replace(lesson, { edits: effectiveEdits(edits, starter), starter }, next);
      return overlay(starter, next);
    },

    undo(lesson) {
      const snapshot = readSnapshot(lesson);
      if (!snapshot) return null;
      const starter = starterFor(lesson, snapshot.starter);
      const current: UndoSnapshot = { edits: effectiveEdits(readEdits(lesson), starter), starter };
      const restored = overlay(snapshot.starter, snapshot.edits);
      const next = effectiveEdits(restored, starter);
      writeAll([
        [undoKey(lesson), JSON.stringify(current)],
        [editsKey(lesson), editsValue(next)],
      ]);
      pending.delete(lesson);
      return overlay(starter, next);
    },

    canUndo(lesson) {
      return readSnapshot(lesson) !== null;
    },
  };
}
