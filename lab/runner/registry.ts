// The runner's workspaces: creating them (within the bound), finding them, and disposing of them
// with everything they own (processes, preview proxies, the folder) — on request, when the page
// went away (no output stream and no call for `idleMs`), and when the runner closes or exits.
import { randomBytes } from 'node:crypto';
import { RunnerError, notFound } from './errors.ts';
import type { Limits } from './limits.ts';
import type { ManagedProcess } from './processes.ts';
import type { PreviewProxy } from './preview-proxy.ts';
import { createWorkspaceFiles, type WorkspaceFiles } from './workspace.ts';

/** Ports a workspace's host may report; beyond this the oldest are forgotten. */
const MAX_PORTS = 16;
/** Exited processes whose output is kept for a late reader, per workspace. */
const MAX_EXITED_KEPT = 4;

export interface WorkspaceEntry {
  readonly id: string;
  readonly files: WorkspaceFiles;
  readonly processes: Map<number, ManagedProcess>;
  /** Ports the workspace's host reported (`listening`): the only ones a preview may reach. */
  readonly ports: Set<number>;
  readonly previews: Map<number, Promise<PreviewProxy>>;
  streams: number;
  idleTimer: NodeJS.Timeout | null;
  disposed: boolean;
}

export interface Registry {
  readonly size: number;
  create(): Promise<WorkspaceEntry>;
  /** The workspace `id`, or a 404 RunnerError. Counts as activity (resets the idle timer). */
  get(id: string): WorkspaceEntry;
  dispose(entry: WorkspaceEntry): Promise<void>;
  addProcess(entry: WorkspaceEntry, proc: ManagedProcess): void;
  learnPort(entry: WorkspaceEntry, port: number): void;
  streamOpened(entry: WorkspaceEntry): void;
  streamClosed(entry: WorkspaceEntry): void;
  /** Dispose of everything (runner close). */
  disposeAll(): Promise<void>;
  /** Synchronous last resort (the runner process is exiting): SIGKILL every process, remove folders. */
  killAllNow(): void;
}

export function createRegistry(options: { tmpRoot: string; depsDir: string; limits: Limits }): Registry {
  const { limits } = options;
  const entries = new Map<string, WorkspaceEntry>();
  const disposing = new Set<Promise<void>>();
  let creating = 0;

  const arm = (entry: WorkspaceEntry) => {
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = null;
    if (entry.disposed || entry.streams > 0) return;
    entry.idleTimer = setTimeout(() => void registry.dispose(entry), limits.idleMs);
    entry.idleTimer.unref();
  };

  const registry: Registry = {
    get size() {
      return entries.size;
    },
    async create() {
      if (entries.size + creating >= limits.maxWorkspaces) {
        throw new RunnerError(429, 'tooManyWorkspaces', `at most ${limits.maxWorkspaces} workspaces (open pages) at once`);
      }
      creating++;
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
        streams: 0,
        idleTimer: null,
        disposed: false,
      };
      entries.set(entry.id, entry);
      arm(entry);
      return entry;
    },
    get(id) {
      const entry = entries.get(id);
      if (!entry) throw notFound('workspaceNotFound', 'no such workspace (it was disposed, or the runner restarted)');
      arm(entry);
      return entry;
    },
    dispose(entry) {
      if (entry.disposed) return Promise.resolve();
      entry.disposed = true;
      if (entry.idleTimer) clearTimeout(entry.idleTimer);
      entries.delete(entry.id);
      const done = (async () => {
        await Promise.allSettled([...entry.processes.values()].map((p) => p.kill()));
        await Promise.allSettled([...entry.previews.values()].map(async (p) => (await p).close()));
        await entry.files.remove().catch(() => undefined);
      })();
      disposing.add(done);
      void done.finally(() => disposing.delete(done));
      return done;
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
      arm(entry);
    },
    streamClosed(entry) {
      entry.streams = Math.max(0, entry.streams - 1);
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
        if (entry.idleTimer) clearTimeout(entry.idleTimer);
        for (const proc of entry.processes.values()) if (proc.alive) proc.killNow();
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
