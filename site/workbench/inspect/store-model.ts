// The store view's model (pure): what each server instance's session store holds, from the
// probe's `store` events (each carries the store's full contents after the operation), and what
// an event changed — sessions added, changed or destroyed — so the view can flash them. Works
// the same for MemoryStore, session-file-store and a learner's own Store: the probe reads them all.
import type { Instance } from '../../../lab/protocol/host.ts';
import type { StoreEvent } from '../../../lab/protocol/probe.ts';

export type SessionChange = 'added' | 'changed' | 'destroyed';

export interface LastOperation {
  readonly op: string;
  readonly sessionId: string | null;
  readonly requestId?: string;
  readonly error?: string;
  readonly time: number;
}

export interface StoreState {
  readonly instance: Instance;
  /** false until the store's first operation since the server started (its contents unknown). */
  readonly known: boolean;
  readonly sessions: Readonly<Record<string, unknown>>;
  readonly last?: LastOperation;
  /** When the server (re)started, if it did since the view opened. */
  readonly startedAt?: number;
}

export interface StoreUpdate {
  readonly instance: Instance;
  readonly state: StoreState;
  readonly changes: ReadonlyMap<string, SessionChange>;
}

export interface StoreModel {
  /** Folds a `store` event in. */
  apply(instance: Instance, event: StoreEvent, time?: number): StoreUpdate;
  /** The server (re)started: its contents are unknown until the next operation. */
  started(instance: Instance, time?: number): StoreUpdate;
  get(instance: Instance): StoreState | undefined;
  instances(): Instance[];
  /** Every session id any store holds now. */
  sessionIds(): Set<string>;
  clear(): void;
}

/** JSON with object keys sorted, so two equal sessions always print the same. */
export function stableJson(value: unknown, indent?: number): string {
  const seen = new WeakSet<object>();
  const sort = (input: unknown): unknown => {
    if (input === null || typeof input !== 'object') return input;
    if (seen.has(input)) return '[Circular]';
    seen.add(input);
    const result = Array.isArray(input)
      ? input.map(sort)
      : Object.fromEntries(Object.keys(input).sort().map((key) => [key, sort((input as Record<string, unknown>)[key])]));
    seen.delete(input);
    return result;
  };
  return JSON.stringify(sort(value), null, indent) ?? 'undefined';
}

/** Which sessions an operation added, changed (their JSON differs) or destroyed. */
export function diffSessions(
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): Map<string, SessionChange> {
  const changes = new Map<string, SessionChange>();
  for (const [id, value] of Object.entries(after)) {
    if (!Object.hasOwn(before, id)) changes.set(id, 'added');
    else if (stableJson(before[id]) !== stableJson(value)) changes.set(id, 'changed');
  }
  for (const id of Object.keys(before)) if (!Object.hasOwn(after, id)) changes.set(id, 'destroyed');
  return changes;
}

/** Instances in a stable order: `main` first, then by name. */
export const sortInstances = (names: Iterable<Instance>): Instance[] =>
  [...new Set(names)].sort((a, b) => (a === 'main' ? -1 : b === 'main' ? 1 : a < b ? -1 : a > b ? 1 : 0));

export function createStoreModel(): StoreModel {
  const states = new Map<Instance, StoreState>();
  return {
    apply(instance, event, time = Date.now()) {
      const before = states.get(instance);
      const sessions = { ...(event.sessions ?? {}) };
      const last: LastOperation = {
        op: event.op,
        sessionId: event.sessionId ?? null,
        time,
        ...(typeof event.requestId === 'string' ? { requestId: event.requestId } : {}),
        ...(event.error !== undefined && event.error !== null ? { error: String(event.error) } : {}),
      };
      const state: StoreState = { instance, known: true, sessions, last, ...(before?.startedAt === undefined ? {} : { startedAt: before.startedAt }) };
      states.set(instance, state);
      // The first operation after a start reveals what was there: nothing "happened" to it.
      const changes = before?.known ? diffSessions(before.sessions, sessions) : new Map<string, SessionChange>();
      if (!before?.known && event.sessionId && Object.hasOwn(sessions, event.sessionId) && (event.op === 'set' || event.op === 'regenerate')) {
        changes.set(event.sessionId, 'added');
      }
      return { instance, state, changes };
    },
    started(instance, time = Date.now()) {
      const state: StoreState = { instance, known: false, sessions: {}, startedAt: time };
      states.set(instance, state);
      return { instance, state, changes: new Map() };
    },
    get: (instance) => states.get(instance),
    instances: () => sortInstances(states.keys()),
    sessionIds: () => new Set([...states.values()].flatMap((state) => Object.keys(state.sessions))),
    clear: () => states.clear(),
  };
}
