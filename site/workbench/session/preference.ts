// The learner's runtime preference (settings), kept in localStorage. Storage that throws (private
// modes, disabled storage) falls back to 'auto' without breaking anything.
import { RUNTIME_PREFERENCES, type RuntimePreference } from '../../runtime/choose.ts';

export const RUNTIME_PREFERENCE_KEY = 'session-lab:v1:runtime';

type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const defaultStorage = (): StorageLike | null => {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
};

export function isRuntimePreference(value: unknown): value is RuntimePreference {
  return typeof value === 'string' && (RUNTIME_PREFERENCES as readonly string[]).includes(value);
}

export function readPreference(storage: StorageLike | null = defaultStorage()): RuntimePreference {
  try {
    const saved = storage?.getItem(RUNTIME_PREFERENCE_KEY);
    return isRuntimePreference(saved) ? saved : 'auto';
  } catch {
    return 'auto';
  }
}

/** Saves the preference ('auto' is the default: it removes the entry). */
export function writePreference(preference: RuntimePreference, storage: StorageLike | null = defaultStorage()): void {
  try {
    if (preference === 'auto') storage?.removeItem(RUNTIME_PREFERENCE_KEY);
    else storage?.setItem(RUNTIME_PREFERENCE_KEY, preference);
  } catch {
    // not saved: the choice still applies to this tab
  }
}
