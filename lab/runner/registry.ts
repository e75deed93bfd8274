// The runner's workspaces: creating them (within the bound), finding them, and disposing of them
// with everything they own (processes, preview proxies, the folder).
//
// Rules:
// - A workspace is disposed on request (DELETE, the page's beacon); when its page went away (the
//   page closed its last output stream: after `goneGraceMs`, for an EventSource reconnect); when
//   it never had a stream and no call named it for `idleMs`; and when the runner closes or exits.
// - At `maxWorkspaces`, a new page is not refused: the least recently active workspace is
//   suspended to make room — one whose page is gone first, then one whose page is hidden (a
//   background tab), then the one the longest without a call. Suspending disposes of it (its
//   processes stop; the page keeps the files) and remembers its id, so its page is told
//   `workspaceSuspended` (410) and can resume with a new workspace when it is shown again.
//   Only when every place is taken by a workspace still being created is a page refused (429).
// - Activity is an ever-growing count, not a clock: the order is exact, whatever the machine's speed.
import { randomBytes } from 'node:crypto';
import { RunnerError, notFound, overLimit } from './errors.ts';
import type { Limits } from './limits.ts';
import type { ManagedProcess } from './processes.ts';
import type { PreviewProxy } from './preview-proxy.ts';
import { createWorkspaceTree, endWorkspaceTree, endWorkspaceTreeNow, type WorkspaceTree } from './tree.ts';
import { createWorkspaceFiles, type WorkspaceFiles } from './workspace.ts';

/** Ports a workspace's host may report; beyond this the oldest are forgotten. */
const MAX_PORTS = 16;
/** Exited processes whose output is kept for a late reader, per workspace. */
const MAX_EXITED_KEPT = 4;
/** Suspended workspaces remembered (so their page hears 410, not 404); the oldest are forgotten. */
const MAX_SUSPENDED_KEPT = 256;

export interface WorkspaceEntry {
  readonly id: string;
  readonly files: WorkspaceFiles;
  readonly processes: Map<number, ManagedProcess>;
  /** Ports the workspace's host reported (`listening`): the only ones a preview may reach. */
  readonly ports: Set<number>;
  readonly previews: Map<number, Promise<PreviewProxy>>;
  /** Every process it starts is marked as its own, so what they leave behind can be ended. */
  readonly tree: WorkspaceTree;
  /** Output streams open now. */
  streams: number;
  /** The page closed its last stream (the tab went away): disposed after the grace. */
  gone: boolean;
  /** What the page last said: shown, or hidden (a background tab). New pages are shown. */
  visible: boolean;
  /** When a call last named it, as a rank (higher = more recent). */
  lastActive: number;
  timer: NodeJS.Timeout | null;
  disposed: boolean;
  /** Disposed to make room for another page (not at its own page's request). */
  suspended: boolean;
}

export interface RegistryStatus {
  /** Workspaces alive now (being created included). */
  readonly live: number;
  readonly limit: number;
  /** The most ever alive at once since the runner started. */
  readonly peak: number;
  /** How many were suspended to make room, since the runner started. */
  readonly suspended: number;
}

export interface Registry {
  readonly size: number;
  status(): RegistryStatus;
  /** A new workspace; at the limit, the least recently active one is suspended first. */
  create(): Promise<WorkspaceEntry>;
  /** The workspace `id`, or a 404 (410 when it was suspended) RunnerError. Counts as activity. */
  get(id: string): WorkspaceEntry;
  dispose(entry: WorkspaceEntry): Promise<void>;
  /** The page reports whether it is shown (a hidden tab is suspended before a shown one). */
  setVisible(entry: WorkspaceEntry, visible: boolean): void;
  addProcess(entry: WorkspaceEntry, proc: ManagedProcess): void;
  learnPort(entry: WorkspaceEntry, port: number): void;
  streamOpened(entry: WorkspaceEntry): void;
  /** `byPage`: the page closed it (it went away); false when the stream ended with its process. */
  streamClosed(entry: WorkspaceEntry, byPage: boolean): void;
  /** Dispose of everything (runner close). */
  disposeAll(): Promise<void>;
  /** Synchronous last resort (the runner process is exiting): SIGKILL every process, remove folders. */
  killAllNow(): void;
}

/** Which workspace to suspend first: lower sorts first. */
const suspendRank = (entry: WorkspaceEntry): number => (entry.gone ? 0 : entry.visible ? 2 : 1);

export function createRegistry(options: { tmpRoot: string; depsDir: string; limits: Limits }): Registry {
  const { limits } = options;
  const entries = new Map<string, WorkspaceEntry>();
  const suspendedIds = new Set<string>();
  const disposing = new Set<Promise<void>>();
  let creating = 0;
  let activity = 0;
  let peak = 0;
  let suspensions = 0;

  const arm = (entry: WorkspaceEntry) => {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = null;
    if (entry.disposed || entry.streams > 0) return;
    entry.timer = setTimeout(() => void registry.dispose(entry), entry.gone ? limits.goneGraceMs : limits.idleMs);
    entry.timer.unref();
  };
  const touch = (entry: WorkspaceEntry) => {
    entry.lastActive = ++activity;
    arm(entry);
  };

  const suspendOne = (): boolean => {
    let victim: WorkspaceEntry | null = null;
    for (const entry of entries.values()) {
      if (!victim) victim = entry;
      else {
        const order = suspendRank(entry) - suspendRank(victim) || entry.lastActive - victim.lastActive;
        if (order < 0) victim = entry;
      }
    }
    if (!victim) return false;
    victim.suspended = true;
    suspensions += 1;
    suspendedIds.add(victim.id);
    if (suspendedIds.size > MAX_SUSPENDED_KEPT) suspendedIds.delete(suspendedIds.values().next().value!);
    void registry.dispose(victim);
    return true;
  };

  const registry: Registry = {
    get size() {
      return entries.size;
    },
    status() {
      return { live: entries.size + creating, limit: limits.maxWorkspaces, peak, suspended: suspensions };
    },
    async create() {
      while (entries.size + creating >= limits.maxWorkspaces) {
        if (!suspendOne()) {
          throw overLimit(429, 'tooManyWorkspaces', `at most ${limits.maxWorkspaces} workspaces (open pages) at once`, limits.maxWorkspaces);
        }
      }
      creating++;
      peak = Math.max(peak, entries.size + creating);
      let files: WorkspaceFiles;
      try {
        files = await createWorkspaceFiles(options.tmpRoot, options.depsDir, limits);
      } finally {
        creating--;
      }
      const entry: WorkspaceEntry = {
        id: randomBytes(16).toString('base64url'),
        files,
        processes: new Map(),
        ports: new Set(),
        previews: new Map(),
        tree: createWorkspaceTree(),
        streams: 0,
        gone: false,
        visible: true,
        lastActive: 0,
        timer: null,
        disposed: false,
        suspended: false,
      };
      entries.set(entry.id, entry);
      touch(entry);
      return entry;
    },
    get(id) {
      const entry = entries.get(id);
      if (!entry) {
        if (suspendedIds.has(id)) {
          // 410 Gone: it made room for another page; a new one is a POST away.
          const message = 'this workspace was suspended to make room for another page; create a new one to resume';
          throw new RunnerError(410, 'workspaceSuspended', message, { limit: limits.maxWorkspaces });
        }
        throw notFound('workspaceNotFound', 'no such workspace (it was disposed, or the runner restarted)');
      }
      touch(entry);
      return entry;
    },
    dispose(entry) {
      if (entry.disposed) return Promise.resolve();
      entry.disposed = true;
      if (entry.timer) clearTimeout(entry.timer);
      entries.delete(entry.id);
      const done = (async () => {
        await Promise.allSettled([...entry.processes.values()].map((p) => p.kill()));
        await endWorkspaceTree(entry.tree, entry.files.dir).catch(() => undefined);
        await Promise.allSettled([...entry.previews.values()].map(async (p) => (await p).close()));
        await entry.files.remove().catch(() => undefined);
      })();
      disposing.add(done);
      void done.finally(() => disposing.delete(done));
      return done;
    },
    setVisible(entry, visible) {
      entry.visible = visible;
    },
    addProcess(entry, proc) {
      entry.processes.set(proc.pid, proc);
      const exited = [...entry.processes.values()].filter((p) => !p.alive && p !== proc);
      for (const old of exited.slice(0, Math.max(0, exited.length - MAX_EXITED_KEPT))) entry.processes.delete(old.pid);
    },
    learnPort(entry, port) {
      entry.ports.delete(port);
      entry.ports.add(port);
      if (entry.ports.size > MAX_PORTS) entry.ports.delete(entry.ports.values().next().value!);
    },
    streamOpened(entry) {
      entry.streams++;
      entry.gone = false;
      arm(entry);
    },
    streamClosed(entry, byPage) {
      entry.streams = Math.max(0, entry.streams - 1);
      if (byPage && entry.streams === 0) entry.gone = true;
      arm(entry);
    },
    async disposeAll() {
      await Promise.allSettled([...entries.values()].map((e) => registry.dispose(e)));
      await Promise.allSettled([...disposing]);
    },
    killAllNow() {
      const all = [...entries.values()];
      for (const entry of all) {
        entry.disposed = true;
        if (entry.timer) clearTimeout(entry.timer);
        for (const proc of entry.processes.values()) if (proc.alive) proc.killNow();
        endWorkspaceTreeNow(entry.tree, entry.files.dir);
      }
      for (const entry of all) {
        try {
          entry.files.removeSync();
        } catch {
          // best effort while exiting
        }
      }
      entries.clear();
    },
  };
  return registry;
}
