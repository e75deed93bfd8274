// A set of subscribers to one kind of news, shared by the host client, the lesson session and the
// inspector. A subscriber that throws must not stop the others, nor the code that reported the
// news (a frame reader, a state change): its error goes where the page reports errors.
import type { Unsubscribe } from './types.ts';

/** The browser's `reportError` (the error reaches window.onerror and the console), else the console. */
export function reportPageError(error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (typeof report === 'function') report(error);
  else console.error(error);
}

export interface Listeners<A extends unknown[]> {
  add(listener: (...args: A) => void): Unsubscribe;
  /** Calls every subscriber of the moment, in the order they came; one that throws is reported. */
  emit(...args: A): void;
  clear(): void;
}

export function createListeners<A extends unknown[]>(onError: (error: unknown) => void = reportPageError): Listeners<A> {
  const set = new Set<(...args: A) => void>();
  return {
    add(listener) {
      set.add(listener);
      return () => set.delete(listener);
    },
    emit(...args) {
      // A copy: a subscriber may unsubscribe (or subscribe another) while we call them.
      for (const listener of [...set]) {
        try {
          listener(...args);
        } catch (error) {
          onError(error);
        }
      }
    },
    clear: () => set.clear(),
  };
}
