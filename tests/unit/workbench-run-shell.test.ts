import { describe, expect, it, vi } from 'vitest';
import { connectShell, hasShell } from '../../site/workbench/run/shell.ts';
import type { RuntimeProcess } from '../../site/runtime/types.ts';

function fakeProcess() {
  let push!: (chunk: string) => void;
  let close!: () => void;
  let exit!: (code: number) => void;
  const output = new ReadableStream<string>({
    start(controller) {
      push = (chunk) => controller.enqueue(chunk);
      close = () => controller.close();
    },
  });
  const written: string[] = [];
  const process: RuntimeProcess = {
    output,
    exit: new Promise<number>((resolve) => (exit = resolve)),
    write: async (text) => void written.push(text),
    kill: vi.fn(),
  };
  return { process, written, push: (c: string) => push(c), end: (code: number) => (close(), exit(code)) };
}

describe('the WebContainer shell', () => {
  it('exists only in a WebContainer', async () => {
    expect(hasShell({ kind: 'local' })).toBe(false);
    expect(hasShell(null)).toBe(false);
    const spawn = vi.fn();
    expect(await connectShell({ kind: 'local', spawn }, { write() {}, ended() {} })).toBeNull();
    expect(spawn).not.toHaveBeenCalled();
  });

  it('spawns jsh, shows its output, sends what the learner types, and says when it ends', async () => {
    const fake = fakeProcess();
    const spawn = vi.fn(async () => fake.process);
    const shown: string[] = [];
    const ended = vi.fn();
    const shell = (await connectShell({ kind: 'webcontainer', spawn }, { write: (d) => shown.push(d), ended }))!;
    expect(spawn).toHaveBeenCalledWith('jsh', []);
    fake.push('~/project ❯ ');
    shell.input('npm install express-session\r');
    await vi.waitFor(() => expect(shown).toEqual(['~/project ❯ ']));
    expect(fake.written).toEqual(['npm install express-session\r']);
    fake.end(0);
    await vi.waitFor(() => expect(ended).toHaveBeenCalledWith(0));
    shell.input('ignored after the end');
    expect(fake.written).toHaveLength(1);
  });

  it('kills the shell when disposed', async () => {
    const fake = fakeProcess();
    const shell = (await connectShell({ kind: 'webcontainer', spawn: async () => fake.process }, { write() {}, ended() {} }))!;
    shell.dispose();
    expect(fake.process.kill).toHaveBeenCalled();
  });
});
