// The learner's progress (pure over a Storage): which steps are done, which were read, and where
// they left off — in localStorage `session-lab:v1:progress`, one JSON object for the course. A
// step with checks is done when its checks pass ("Check my work"); a step without checks is done
// once read. Done stays done. Storage that throws (private mode, quota, disabled) or holds junk
// never breaks a page: progress is then kept for this page only.

export const PROGRESS_KEY = 'session-lab:v1:progress';
/** Dispatched on the window after every write, so every Progress of the page (the checks panel's,
 * the outline's) hears it; other tabs hear the `storage` event. */
export const PROGRESS_EVENT = 'session-lab:progress';

export interface StepRecord {
  /** First time the step was opened (ms since the epoch). */
  readonly visited?: number;
  /** When it was done. */
  readonly done?: number;
}

export interface LastPlace {
  readonly lang: string;
  readonly lesson: string;
  readonly step: string;
  readonly at: number;
}

export interface ProgressData {
  readonly v: 1;
  /** `lesson/step` → its record. */
  readonly steps: Readonly<Record<string, StepRecord>>;
  readonly last?: LastPlace;
}

export type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

export interface LessonCount {
  readonly done: number;
  readonly total: number;
}

export interface Progress {
  read(): ProgressData;
  isDone(lesson: string, step: string): boolean;
  isVisited(lesson: string, step: string): boolean;
  /** The learner opened a step: remembered as the place to continue from; done at once when the
   * step has no checks. */
  visit(lang: string, lesson: string, step: string, options: { readonly hasChecks: boolean }): ProgressData;
  /** The step's checks passed. */
  markDone(lesson: string, step: string): ProgressData;
  /** Where the learner left off, if anywhere. */
  last(): LastPlace | undefined;
  /** How many of these steps of a lesson are done. */
  count(lesson: string, steps: readonly string[]): LessonCount;
  /** Forgets everything (a "start over" the page may offer). */
  reset(): ProgressData;
  /** A change, made here or in another tab (storage event). */
  onChange(listener: (data: ProgressData) => void): () => void;
}

export interface ProgressDeps {
  /** Default: `globalThis.localStorage` (reading it may throw). */
  readonly storage?: () => StorageLike | null;
  readonly now?: () => number;
  /** Where `storage` events of other tabs and this page's PROGRESS_EVENT arrive (default: `globalThis`
   * when it is an event target; null: only this object's listeners hear its own writes). */
  readonly events?: Pick<EventTarget, 'addEventListener' | 'removeEventListener' | 'dispatchEvent'> | null;
}

export const stepKey = (lesson: string, step: string) => `${lesson}/${step}`;

const EMPTY: ProgressData = { v: 1, steps: {} };
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const time = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** Reads stored progress, keeping only what is well-formed. */
export function parseProgress(text: string | null | undefined): ProgressData {
  if (!text) return EMPTY;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return EMPTY;
  }
  if (!isRecord(raw) || raw.v !== 1) return EMPTY;
  const steps: Record<string, StepRecord> = {};
  if (isRecord(raw.steps)) {
    for (const [key, value] of Object.entries(raw.steps)) {
      if (!isRecord(value) || !/^[^/]+\/[^/]+$/.test(key)) continue;
      const visited = time(value.visited);
      const done = time(value.done);
      if (visited === undefined && done === undefined) continue;
      steps[key] = { ...(visited === undefined ? {} : { visited }), ...(done === undefined ? {} : { done }) };
    }
  }
  const last = raw.last;
  const place =
    isRecord(last) && typeof last.lang === 'string' && typeof last.lesson === 'string' && typeof last.step === 'string'
      ? { lang: last.lang, lesson: last.lesson, step: last.step, at: time(last.at) ?? 0 }
      : undefined;
  return place ? { v: 1, steps, last: place } : { v: 1, steps };
}

export function createProgress(deps: ProgressDeps = {}): Progress {
  const now = deps.now ?? Date.now;
  const storage = (): StorageLike | null => {
    try {
      return deps.storage ? deps.storage() : (globalThis.localStorage ?? null);
    } catch {
      return null;
    }
  };
  const events =
    deps.events !== undefined
      ? deps.events
      : typeof (globalThis as { dispatchEvent?: unknown }).dispatchEvent === 'function'
        ? (globalThis as unknown as Pick<EventTarget, 'addEventListener' | 'removeEventListener' | 'dispatchEvent'>)
        : null;
  const listeners = new Set<(data: ProgressData) => void>();
  /** What this page knows when storage cannot keep it. */
  let memory: ProgressData | null = null;

  const read = (): ProgressData => {
    try {
      const text = storage()?.getItem(PROGRESS_KEY);
      if (text !== undefined && text !== null) return parseProgress(text);
    } catch {
      // unreadable: fall through
    }
    return memory ?? EMPTY;
  };
  const write = (data: ProgressData): ProgressData => {
    memory = data;
    try {
      storage()?.setItem(PROGRESS_KEY, JSON.stringify(data));
    } catch {
      // full or refused: kept in memory for this page
    }
    if (events) events.dispatchEvent(new Event(PROGRESS_EVENT));
    else notify(data);
    return data;
  };
  const update = (key: string, change: (record: StepRecord) => StepRecord, last?: LastPlace): ProgressData => {
    const data = read();
    const record = change(data.steps[key] ?? {});
    return write({ v: 1, steps: { ...data.steps, [key]: record }, ...((last ?? data.last) ? { last: last ?? data.last } : {}) });
  };

  function notify(data: ProgressData) {
    for (const listener of [...listeners]) listener(data);
  }
  const onEvent = (event: Event) => {
    if (event.type === 'storage') {
      const key = (event as StorageEvent).key;
      if (key !== PROGRESS_KEY && key !== null) return;
    }
    notify(read());
  };

  return {
    read,
    isDone: (lesson, step) => read().steps[stepKey(lesson, step)]?.done !== undefined,
    isVisited: (lesson, step) => read().steps[stepKey(lesson, step)]?.visited !== undefined,
    visit(lang, lesson, step, { hasChecks }) {
      const at = now();
      return update(
        stepKey(lesson, step),
        (record) => ({
          visited: record.visited ?? at,
          ...(record.done !== undefined ? { done: record.done } : hasChecks ? {} : { done: at }),
        }),
        { lang, lesson, step, at },
      );
    },
    markDone(lesson, step) {
      const at = now();
      return update(stepKey(lesson, step), (record) => ({ visited: record.visited ?? at, done: record.done ?? at }));
    },
    last: () => read().last,
    count(lesson, steps) {
      const data = read();
      return { done: steps.filter((step) => data.steps[stepKey(lesson, step)]?.done !== undefined).length, total: steps.length };
    },
    reset: () => write(EMPTY),
    onChange(listener) {
      if (listeners.size === 0) {
        events?.addEventListener('storage', onEvent);
        events?.addEventListener(PROGRESS_EVENT, onEvent);
      }
      listeners.add(listener);
      return () => {
        if (!listeners.delete(listener) || listeners.size > 0) return;
        events?.removeEventListener('storage', onEvent);
        events?.removeEventListener(PROGRESS_EVENT, onEvent);
      };
    },
  };
}
