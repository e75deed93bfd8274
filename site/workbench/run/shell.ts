// The interactive shell of a WebContainer (jsh), for the install lesson's `npm install`. The local
// runner has none on purpose: it runs `node` with the lab's scripts and nothing else (its guard).
import type { Runtime, RuntimeProcess } from '../../runtime/types.ts';

export interface ShellSink {
  write(data: string): void;
  ended(code: number): void;
}

export interface ShellConnection {
  /** What the learner typed. */
  input(data: string): void;
  dispose(): void;
}

export const hasShell = (runtime: Pick<Runtime, 'kind'> | null): boolean => runtime?.kind === 'webcontainer';

/** Spawns the shell and pipes it both ways. Null when this runtime has no shell. */
export async function connectShell(runtime: Pick<Runtime, 'kind' | 'spawn'> | null, sink: ShellSink): Promise<ShellConnection | null> {
  if (!runtime || !hasShell(runtime)) return null;
  const shell: RuntimeProcess = await runtime.spawn('jsh', []);
  let open = true;
  void (async () => {
    const reader = shell.output.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        sink.write(value);
      }
    } catch {
      // the stream ends with the process: its exit says how
    }
  })();
  void shell.exit.then((code) => {
    open = false;
    sink.ended(code);
  }, () => sink.ended(-1));
  return {
    input(data) {
      if (open) void shell.write(data);
    },
    dispose() {
      open = false;
      shell.kill();
    },
  };
}
