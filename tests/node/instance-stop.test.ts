// `stop` is bounded even when a killed server never says it exited (a runtime whose signals do
// nothing, a process stuck in the kernel): the instance's queue of starts and stops must go on.
import { describe, expect, test } from 'vitest';
import { Instance } from '../../lab/inside/instance.mjs';
import type { HostFrame as Frame } from '../../lab/protocol/host.ts';

/** A run whose process takes every signal without ever exiting, as a runtime without signals would. */
function deafRun(signals: string[]) {
  let resolveExited!: (value: { code: number | null; signal: string | null }) => void;
  const run = {
    child: { kill: (signal: string) => signals.push(signal), connected: false },
    pid: 4242,
    link: { send: () => {}, connected: false, close: () => {}, closed: Promise.resolve() },
    listening: true,
    ended: false,
    stopping: false,
    errorSeen: false,
    stderrTail: '',
    code: null as number | null,
    signal: null as string | null,
    held: null,
    exited: new Promise<{ code: number | null; signal: string | null }>((resolve) => (resolveExited = resolve)),
    onEnd: () => resolveExited({ code: run.code, signal: run.signal }),
    listenWaiters: new Set(),
    verifies: new Map(),
  };
  return run;
}

describe('stopping a server that never exits', () => {
  test('SIGTERM, SIGKILL, then the run is given up: an exit frame, and the next start is not blocked', async () => {
    const frames: Frame[] = [];
    const instance = new Instance({ name: 'main', cwd: process.cwd(), probePath: '', emit: (frame: Frame) => frames.push(frame) });
    const signals: string[] = [];
    (instance as unknown as { run: unknown }).run = deafRun(signals);

    const stopped = await instance.stop(50);
    expect(signals).toEqual(['SIGTERM', 'SIGKILL']);
    expect(stopped).toEqual({ instance: 'main', code: null, signal: 'SIGKILL' });
    expect(frames).toEqual([{ t: 'exit', instance: 'main', code: null, signal: 'SIGKILL', pid: 4242, requested: true }]);
    expect(instance.running).toBe(false);
    // The queue moved on: a later operation runs.
    await expect(instance.serial(async () => 'next')).resolves.toBe('next');
  });
});
