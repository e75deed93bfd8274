// A workspace's process tree, as the runner ends it (Linux; elsewhere process groups only, see
// lab/README.md). Every process the runner starts carries `SESSION_LAB_TREE=<workspace>.<n>` in
// its environment, inherited by what it starts (host, lesson servers, their children, detached
// ones too): lab/inside/procfs.cjs finds them through /proc, as lifeline.cjs does when the
// runner dies.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const procfs: typeof import('../inside/procfs.cjs') = require('../inside/procfs.cjs');

/** The environment variable carrying a process's place in a workspace's tree. */
export const TREE_ENV = 'SESSION_LAB_TREE';

export interface WorkspaceTree {
  /** `<token>.<n>` for the n-th process; the token alone names the whole workspace. */
  readonly token: string;
  /** Processes whose working folder is in the workspace count only when started from here on. */
  readonly since: string;
  serial: number;
}

export function createWorkspaceTree(): WorkspaceTree {
  return { token: randomBytes(12).toString('base64url'), since: procfs.nowStart(), serial: 0 };
}

/** The marker of the next process the workspace starts. */
export function nextMarker(tree: WorkspaceTree): string {
  return `${tree.token}.${++tree.serial}`;
}

/** One process's tree: its marker, and its descendants while it lives. */
const processTree = (marker: string, pid?: number) => ({ marker: { name: TREE_ENV, value: marker }, roots: pid === undefined ? [] : [pid] });

/** A process's tree as it is now (taken before a kill, while every parent lives). */
export const snapshotProcessTree = (marker: string, pid: number) => procfs.findTree(processTree(marker, pid)).filter((p) => p.pid !== pid);

/** SIGKILLs what is left of a process's tree once it exited (and the `snapshot` taken earlier);
 * resolves once they are gone (at most a second). */
export async function endProcessTree(marker: string, snapshot: ReturnType<typeof snapshotProcessTree> = []): Promise<void> {
  procfs.signalTree(snapshot);
  await procfs.killTree(processTree(marker));
  await procfs.waitGone(snapshot);
}

/** The same, synchronously (the runner is exiting). */
export function endProcessTreeNow(marker: string, pid: number): void {
  procfs.killTreeNow(processTree(marker, pid));
}

/** Everything of the workspace: any marker of it, and any process working in its folder that
 * started after it was made (a child that dropped its environment but not its folder). */
const workspaceTree = (tree: WorkspaceTree, dir: string) => ({
  marker: { name: TREE_ENV, value: `${tree.token}.`, prefix: true },
  cwdInside: dir,
  startedFrom: tree.since,
});

export async function endWorkspaceTree(tree: WorkspaceTree, dir: string): Promise<void> {
  await procfs.killTree(workspaceTree(tree, dir));
}

export function endWorkspaceTreeNow(tree: WorkspaceTree, dir: string): void {
  procfs.killTreeNow(workspaceTree(tree, dir));
}
