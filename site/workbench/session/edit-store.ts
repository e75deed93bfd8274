// The learner's edits, per lesson — never lost — and the one copy of the learner's text that the
// workbench and the session read (the editor shows it; nothing else keeps its own).
//
// Keys (the version is in the key, so a future format can live beside this one):
//   session-lab:v1:edits:<lesson>  JSON { [path]: text }   saved edits, overlaid on the starter
//   session-lab:v1:undo:<lesson>   JSON { edits, starter } the state before the last reset/apply
//
// Rules that keep work safe:
// - A write that fails (quota) throws StorageFullError but the text stays in memory: `files()` and
//   `load()` in this page still return it, and the next successful write persists it.
// - reset/apply first store an undo snapshot; if that cannot be stored, nothing changes.
// - undo swaps: the state it replaces becomes the new snapshot, so a second undo brings it back.
// - A reset or apply that changes nothing keeps the existing snapshot (a second reset never
//   overwrites the work the first one put aside).
// - Unreadable stored values are ignored on read and never deleted.
import { copyFiles as copy, effectiveEdits, isFiles, overlay, sameFiles, type Files } from './files.ts';
import { createSafeStorage, defaultStorage, type EditStorage } from './safe-storage.ts';

export { StorageFullError, isStorageFullError, type EditStorage } from './safe-storage.ts';

export interface EditStore {
  /** The starter overlaid with the saved edits; files the learner created are kept. */
  load(lesson: string, starter: Files): Files;
  /** The learner's current files of the lesson in this page (as load, save, reset, apply and
   * undo last left them): what the workbench and the session read. */
  files(lesson: string): Files;
  /** Saves one file's text. Throws StorageFullError when the browser's quota is exceeded (the
   * text is kept in memory all the same). */
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

export const editsKey = (lesson: string): string => `${STORAGE_PREFIX}edits:${lesson}`;
export const undoKey = (lesson: string): string => `${STORAGE_PREFIX}undo:${lesson}`;

interface UndoSnapshot {
  edits: Files;
  starter: Files;
}

const editsValue = (edits: Files): string | null => (Object.keys(edits).length === 0 ? null : JSON.stringify(edits));

/** What is stored for each lesson: its edits (those a failed write left in memory win) and its
 * undo snapshot, read and written the safe way. */
function createLessonRecords(storage: EditStorage) {
  const stored = createSafeStorage(storage);
  /** Edits not yet persisted (the last write failed), by lesson. They win over storage. */
  const pending = new Map<string, Files>();
  return {
    edits(lesson: string): Files {
      const held = pending.get(lesson);
      if (held) return copy(held);
      const value = stored.json(editsKey(lesson));
      return isFiles(value) ? copy(value) : copy({});
    },
    snapshot(lesson: string): UndoSnapshot | null {
      const value = stored.json(undoKey(lesson));
      if (typeof value !== 'object' || value === null) return null;
      const { edits, starter } = value as Partial<UndoSnapshot>;
      return isFiles(edits) && isFiles(starter) ? { edits: copy(edits), starter: copy(starter) } : null;
    },
    /** Stores the lesson's edits; in memory first, so whatever happens to the write this page keeps them. */
    saveEdits(lesson: string, edits: Files): void {
      pending.set(lesson, edits);
      stored.set(editsKey(lesson), JSON.stringify(edits));
      pending.delete(lesson);
    },
    /** Whether edits are stored (or held) at all, even mere copies of the starter. */
    hasEdits: (lesson: string): boolean => pending.has(lesson) || stored.raw(editsKey(lesson)) !== null,
    /** Writes the edits (and the snapshot, when given) together, or nothing. */
    replace(lesson: string, edits: Files, snapshot?: UndoSnapshot): void {
      const writes: [string, string | null][] = [];
      // Snapshot first: if it cannot be stored, the edits are not touched.
      if (snapshot) writes.push([undoKey(lesson), JSON.stringify(snapshot)]);
      writes.push([editsKey(lesson), editsValue(edits)]);
      stored.setAll(writes);
      pending.delete(lesson);
    },
  };
}

export function createEditStore(storage: EditStorage = defaultStorage()): EditStore {
  const records = createLessonRecords(storage);
  /** The last starter seen per lesson, so apply() can return complete files. */
  const starters = new Map<string, Files>();
  /** The learner's current files per lesson in this page (what files() returns). */
  const working = new Map<string, Files>();
  const starterFor = (lesson: string, fallback?: Files): Files => copy(starters.get(lesson) ?? fallback ?? {});
  /** The lesson's current files become `files` (once they are stored): kept as files(), and returned. */
  const settle = (lesson: string, files: Files): Files => {
    working.set(lesson, copy(files));
    return files;
  };
  /** Replaces the lesson's edits by `next`, keeping what was there as the undo snapshot (if it differs). */
  const replaceKeepingUndo = (lesson: string, current: UndoSnapshot, next: Files): void => {
    const changed = !sameFiles(overlay(current.starter, current.edits), overlay(current.starter, next));
    records.replace(lesson, next, changed ? current : undefined);
  };

  const store: EditStore = {
    load(lesson, starter) {
      starters.set(lesson, copy(starter));
      return settle(lesson, overlay(starter, records.edits(lesson)));
    },
    files: (lesson) => copy(working.get(lesson) ?? overlay(starterFor(lesson), records.edits(lesson))),
    save(lesson, path, text) {
      const edits = records.edits(lesson);
      if (path === '__proto__') return;
      edits[path] = text;
      working.set(lesson, { ...store.files(lesson), [path]: text });
      records.saveEdits(lesson, edits);
    },
    isEdited(lesson, path, starter) {
      const edits = records.edits(lesson);
      return Object.hasOwn(edits, path) && edits[path] !== starter[path];
    },
    reset(lesson, starter) {
      starters.set(lesson, copy(starter));
      const edits = effectiveEdits(records.edits(lesson), starter);
      if (Object.keys(edits).length > 0) replaceKeepingUndo(lesson, { edits, starter: copy(starter) }, copy({}));
      // Only copies of the starter were stored: drop them, keep the existing snapshot.
      else if (records.hasEdits(lesson)) records.replace(lesson, {});
      return settle(lesson, copy(starter));
    },
    apply(lesson, solution) {
      const starter = starterFor(lesson);
      const edits = records.edits(lesson);
      // Keep the files only the learner has (neither in the starter nor in the solution).
      const mineOnly = Object.entries(edits).filter(([path]) => !Object.hasOwn(starter, path) && !Object.hasOwn(solution, path));
      const next = copy(Object.fromEntries(mineOnly), solution);
      replaceKeepingUndo(lesson, { edits: effectiveEdits(edits, starter), starter }, next);
      return settle(lesson, overlay(starter, next));
    },
    undo(lesson) {
      const snapshot = records.snapshot(lesson);
      if (!snapshot) return null;
      const starter = starterFor(lesson, snapshot.starter);
      const current: UndoSnapshot = { edits: effectiveEdits(records.edits(lesson), starter), starter };
      const next = effectiveEdits(overlay(snapshot.starter, snapshot.edits), starter);
      records.replace(lesson, next, current);
      return settle(lesson, overlay(starter, next));
    },
    canUndo: (lesson) => records.snapshot(lesson) !== null,
  };
  return store;
}
