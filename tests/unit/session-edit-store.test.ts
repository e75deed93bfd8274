import { describe, expect, it } from 'vitest';
import {
  createEditStore,
  editsKey,
  isStorageFullError,
  StorageFullError,
  undoKey,
  type EditStorage,
} from '../../site/workbench/session/edit-store.ts';

/** A Storage fake with a byte quota, like the browser's (throws QuotaExceededError). */
function fakeStorage(quota = Infinity) {
  const map = new Map<string, string>();
  const size = () => [...map].reduce((sum, [k, v]) => sum + k.length + v.length, 0);
  const storage: EditStorage & { map: Map<string, string>; quota: number; writes: number } = {
    map,
    quota,
    writes: 0,
    getItem: (key) => map.get(key) ?? null,
    setItem(key, value) {
      const before = map.get(key);
      map.set(key, value);
      if (size() > storage.quota) {
        if (before === undefined) map.delete(key);
        else map.set(key, before);
        throw Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError', code: 22 });
      }
      storage.writes += 1;
    },
    removeItem: (key) => void map.delete(key),
  };
  return storage;
}

const starter = { 'server.js': 'const a = 1;\n', 'package.json': '{}\n' };
const solution = { 'server.js': 'const a = 2;\n', 'package.json': '{}\n' };

describe('edit store', () => {
  it('loads the starter when nothing is saved', () => {
    const store = createEditStore(fakeStorage());
    expect(store.load('l1', starter)).toEqual(starter);
    expect(store.canUndo('l1')).toBe(false);
  });

  it('saves edits under a versioned key as JSON and overlays them on the starter', () => {
    const storage = fakeStorage();
    const store = createEditStore(storage);
    store.save('l1', 'server.js', 'edited');
    expect(editsKey('l1')).toBe('session-lab:v1:edits:l1');
    expect(JSON.parse(storage.map.get('session-lab:v1:edits:l1')!)).toEqual({ 'server.js': 'edited' });
    // A new store (a reload) sees them.
    expect(createEditStore(storage).load('l1', starter)).toEqual({ ...starter, 'server.js': 'edited' });
  });

  it('keeps files the learner created and keeps lessons apart', () => {
    const store = createEditStore(fakeStorage());
    store.save('l1', 'lib/store.js', 'module.exports = {};');
    expect(store.load('l1', starter)['lib/store.js']).toBe('module.exports = {};');
    expect(store.load('l2', starter)).toEqual(starter);
  });

  it('isEdited compares with the starter', () => {
    const store = createEditStore(fakeStorage());
    expect(store.isEdited('l1', 'server.js', starter)).toBe(false);
    store.save('l1', 'server.js', 'x');
    expect(store.isEdited('l1', 'server.js', starter)).toBe(true);
    store.save('l1', 'server.js', starter['server.js']);
    expect(store.isEdited('l1', 'server.js', starter)).toBe(false);
    expect(store.isEdited('l1', 'package.json', starter)).toBe(false);
  });

  it('reset goes back to the starter and undo brings the work back', () => {
    const store = createEditStore(fakeStorage());
    store.load('l1', starter);
    store.save('l1', 'server.js', 'my work');
    expect(store.reset('l1', starter)).toEqual(starter);
    expect(store.load('l1', starter)).toEqual(starter);
    expect(store.canUndo('l1')).toBe(true);
    expect(store.undo('l1')).toEqual({ ...starter, 'server.js': 'my work' });
    expect(store.load('l1', starter)).toEqual({ ...starter, 'server.js': 'my work' });
  });

  it('undo swaps, so undoing twice loses nothing', () => {
    const store = createEditStore(fakeStorage());
    store.load('l1', starter);
    store.save('l1', 'server.js', 'A');
    store.reset('l1', starter);
    store.save('l1', 'server.js', 'B');
    expect(store.undo('l1')?.['server.js']).toBe('A');
    expect(store.undo('l1')?.['server.js']).toBe('B');
    expect(store.load('l1', starter)['server.js']).toBe('B');
  });

  it('a second reset with nothing edited keeps the first snapshot', () => {
    const store = createEditStore(fakeStorage());
    store.load('l1', starter);
    store.save('l1', 'server.js', 'precious');
    store.reset('l1', starter);
    store.reset('l1', starter);
    expect(store.undo('l1')?.['server.js']).toBe('precious');
  });

  it('apply puts the solution in, keeps learner-only files, and is undoable', () => {
    const store = createEditStore(fakeStorage());
    store.load('l1', starter);
    store.save('l1', 'server.js', 'mine');
    store.save('l1', 'notes.js', '// my notes');
    const applied = store.apply('l1', solution);
    expect(applied).toEqual({ ...solution, 'notes.js': '// my notes' });
    expect(store.load('l1', starter)).toEqual(applied);
    expect(store.undo('l1')).toEqual({ ...starter, 'server.js': 'mine', 'notes.js': '// my notes' });
  });

  it('undo works after a reload (the snapshot carries its starter)', () => {
    const storage = fakeStorage();
    const first = createEditStore(storage);
    first.load('l1', starter);
    first.save('l1', 'server.js', 'mine');
    first.apply('l1', solution);
    const second = createEditStore(storage);
    expect(second.canUndo('l1')).toBe(true);
    expect(second.undo('l1')).toEqual({ ...starter, 'server.js': 'mine' });
    expect(JSON.parse(storage.map.get(undoKey('l1'))!).edits).toEqual({ 'server.js': solution['server.js'] });
  });

  it('undo without a snapshot returns null', () => {
    expect(createEditStore(fakeStorage()).undo('l1')).toBeNull();
  });

  it('a full quota throws a typed error but keeps the text in memory', () => {
    const storage = fakeStorage(200);
    const store = createEditStore(storage);
    store.save('l1', 'server.js', 'small');
    const big = 'x'.repeat(500);
    let caught: unknown;
    try {
      store.save('l1', 'server.js', big);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StorageFullError);
    expect(isStorageFullError(caught)).toBe(true);
    expect((caught as StorageFullError).key).toBe('editor.error.storageFull');
    expect((caught as StorageFullError).message).toBe('editor.error.storageFull');
    // This page still has the text…
    expect(store.load('l1', starter)['server.js']).toBe(big);
    expect(store.isEdited('l1', 'server.js', starter)).toBe(true);
    // …storage still has the last text that fit…
    expect(createEditStore(storage).load('l1', starter)['server.js']).toBe('small');
    // …and once there is room, the next save persists everything.
    storage.quota = Infinity;
    store.save('l1', 'package.json', '{"x":1}');
    expect(createEditStore(storage).load('l1', starter)).toEqual({ 'server.js': big, 'package.json': '{"x":1}' });
  });

  it('a reset whose snapshot does not fit changes nothing', () => {
    const storage = fakeStorage(Infinity);
    const store = createEditStore(storage);
    store.load('l1', starter);
    store.save('l1', 'server.js', 'y'.repeat(300));
    storage.quota = 400;
    expect(() => store.reset('l1', starter)).toThrow(StorageFullError);
    expect(store.load('l1', starter)['server.js']).toBe('y'.repeat(300));
    expect(store.canUndo('l1')).toBe(false);
  });

  it('an apply whose edits do not fit rolls the snapshot back', () => {
    const storage = fakeStorage(Infinity);
    const store = createEditStore(storage);
    store.load('l1', starter);
    store.save('l1', 'server.js', 'mine');
    storage.quota = storage.map.get(editsKey('l1'))!.length + 300;
    const huge = { 'server.js': 'z'.repeat(400) };
    expect(() => store.apply('l1', huge)).toThrow(StorageFullError);
    expect(store.load('l1', starter)['server.js']).toBe('mine');
    expect(storage.map.has(undoKey('l1'))).toBe(false);
  });

  it('other storage errors are not disguised as a full quota', () => {
    const store = createEditStore({
      getItem: () => null,
      setItem: () => {
        throw new Error('SecurityError');
      },
      removeItem: () => {},
    });
    expect(() => store.save('l1', 'a.js', 'x')).toThrow('SecurityError');
  });

  it('ignores unreadable stored values without deleting them', () => {
    const storage = fakeStorage();
    storage.map.set(editsKey('l1'), '{not json');
    storage.map.set(undoKey('l1'), '{"edits": 3}');
    const store = createEditStore(storage);
    expect(store.load('l1', starter)).toEqual(starter);
    expect(store.canUndo('l1')).toBe(false);
    expect(storage.map.get(editsKey('l1'))).toBe('{not json');
  });

  it('returns copies: changing a result changes nothing stored', () => {
    const store = createEditStore(fakeStorage());
    const files = store.load('l1', starter);
    files['server.js'] = 'mutated';
    expect(store.load('l1', starter)).toEqual(starter);
    expect(starter['server.js']).toBe('const a = 1;\n');
  });
});

describe("edit store: the one copy of the learner's text", () => {
  it('files() is what load, save, reset, apply and undo last left, in this page', () => {
    const store = createEditStore(fakeStorage());
    store.load('l1', starter);
    expect(store.files('l1')).toEqual(starter);
    store.save('l1', 'server.js', 'typed');
    store.save('l1', 'notes.md', 'mine');
    expect(store.files('l1')).toEqual({ ...starter, 'server.js': 'typed', 'notes.md': 'mine' });
    expect(store.reset('l1', starter)).toEqual(store.files('l1'));
    expect(store.files('l1')).toEqual(starter);
    expect(store.undo('l1')).toEqual(store.files('l1'));
    expect(store.files('l1')).toEqual({ ...starter, 'server.js': 'typed', 'notes.md': 'mine' });
    expect(store.apply('l1', solution)).toEqual(store.files('l1'));
    expect(store.files('l1')).toEqual({ ...solution, 'notes.md': 'mine' });
  });

  it('files() keeps a text the quota refused, and is a copy', () => {
    const storage = fakeStorage();
    const store = createEditStore(storage);
    store.load('l1', starter);
    storage.quota = 10;
    expect(() => store.save('l1', 'server.js', 'x'.repeat(100))).toThrow(StorageFullError);
    expect(store.files('l1')['server.js']).toBe('x'.repeat(100));
    store.files('l1')['server.js'] = 'changed by a reader';
    expect(store.files('l1')['server.js']).toBe('x'.repeat(100));
  });

  it("another tab's edits reach storage but not this page's files until the lesson is loaded again", () => {
    const storage = fakeStorage();
    const mine = createEditStore(storage);
    const other = createEditStore(storage);
    mine.load('l1', starter);
    other.load('l1', starter);
    other.save('l1', 'package.json', '{"other":true}\n');
    expect(mine.files('l1')).toEqual(starter);
    expect(mine.load('l1', starter)['package.json']).toBe('{"other":true}\n');
  });
});
