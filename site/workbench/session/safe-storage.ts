// localStorage as the edit store needs it: reads that never throw (storage that is disabled,
// throws or holds junk reads as empty), writes that say "full" in one way (StorageFullError,
// whatever the browser's name for it), and several keys written together or not at all.

export type EditStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export const STORAGE_FULL_KEY = 'editor.error.storageFull';

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

/** A Storage that lives in memory only: used when localStorage is not available at all. */
export function createMemoryStorage(): EditStorage {
  const map = new Map<string, string>();
  return {
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, String(value)),
    removeItem: (key) => void map.delete(key),
  };
}

export function defaultStorage(): EditStorage {
  try {
    // Accessing localStorage throws in some privacy modes and sandboxed iframes.
    const storage = globalThis.localStorage;
    if (storage) return storage;
  } catch {
    // fall through
  }
  return createMemoryStorage();
}

export interface SafeStorage {
  /** The raw value, or null (absent, or storage that throws). */
  raw(key: string): string | null;
  /** The parsed JSON value, or null (absent, unreadable, not JSON). */
  json(key: string): unknown;
  /** Sets (null: removes) one key. Throws StorageFullError when the quota is exceeded. */
  set(key: string, value: string | null): void;
  /** Writes several keys; if one fails, the ones already written are put back as they were. */
  setAll(writes: readonly (readonly [key: string, value: string | null])[]): void;
}

export function createSafeStorage(storage: EditStorage): SafeStorage {
  const raw = (key: string): string | null => {
    try {
      return storage.getItem(key);
    } catch {
      return null;
    }
  };
  const set = (key: string, value: string | null): void => {
    try {
      if (value === null) storage.removeItem(key);
      else storage.setItem(key, value);
    } catch (error) {
      if (isQuotaError(error)) throw new StorageFullError({ cause: error });
      throw error;
    }
  };
  const putBack = (entries: readonly (readonly [string, string | null])[]) => {
    for (const [key, value] of entries) {
      try {
        set(key, value);
      } catch {
        // Best effort: the previous value was stored before, so this rarely fails.
      }
    }
  };
  return {
    raw,
    json(key) {
      const text = raw(key);
      if (text === null) return null;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return null;
      }
    },
    set,
    setAll(writes) {
      const before = writes.map(([key]) => [key, raw(key)] as const);
      let done = 0;
      try {
        for (const [key, value] of writes) {
          set(key, value);
          done += 1;
        }
      } catch (error) {
        putBack(before.slice(0, done).reverse());
        throw error;
      }
    },
  };
}
