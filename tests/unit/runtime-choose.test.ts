import { afterEach, describe, expect, it, vi } from 'vitest';
import { chooseRuntime, type ChooseOptions } from '../../site/runtime/choose.ts';
import { RuntimeError, type Runtime, type RuntimeErrorKey, type RuntimeKind } from '../../site/runtime/types.ts';

function fakeRuntime(kind: RuntimeKind): Runtime & { disposed: number } {
  return {
    kind,
    disposed: 0,
    mount: async () => {},
    writeFile: async () => {},
    readFile: async () => '',
    listFiles: async () => [],
    spawn: () => Promise.reject(new Error('not here')),
    labScript: (name) => name,
    previewUrl: async () => '',
    async dispose() {
      this.disposed += 1;
    },
  };
}

const fail = (key: RuntimeErrorKey) => () => Promise.reject(new RuntimeError(key));
const never = () => new Promise<never>(() => {});

function options(overrides: Partial<ChooseOptions>) {
  const calls: string[] = [];
  const track =
    <T>(name: string, fn: (signal: AbortSignal) => Promise<T>) =>
    (signal: AbortSignal) => {
      calls.push(name);
      return fn(signal);
    };
  const base: ChooseOptions = {
    preference: 'auto',
    probeRunner: async () => {},
    createLocal: async () => fakeRuntime('local'),
    isolated: () => true,
    createWebContainer: async () => fakeRuntime('webcontainer'),
    ...overrides,
  };
  return {
    calls,
    options: {
      ...base,
      probeRunner: track('probe', base.probeRunner),
      createLocal: track('local', base.createLocal),
      createWebContainer: track('webcontainer', base.createWebContainer),
    } satisfies ChooseOptions,
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('chooseRuntime', () => {
  it('readonly preference: read-only at once, nothing probed', async () => {
    const { options: o, calls } = options({ preference: 'readonly' });
    await expect(chooseRuntime(o)).resolves.toEqual({ mode: 'readonly', reasons: [expect.objectContaining({ key: 'runtime.reason.readonlyChosen' })], failures: [] });
    expect(calls).toEqual([]);
  });

  it('auto, served by npm start: the local runner first', async () => {
    const { options: o, calls } = options({});
    const choice = await chooseRuntime(o);
    expect(choice).toMatchObject({ mode: 'live', runtime: { kind: 'local' }, failures: [] });
    expect(calls).toEqual(['probe', 'local']);
  });

  it('auto, runner there but failing: WebContainer next, the failure kept', async () => {
    const { options: o, calls } = options({ createLocal: fail('runtime.error.runnerFailed') });
    const choice = await chooseRuntime(o);
    expect(choice).toMatchObject({ mode: 'live', runtime: { kind: 'webcontainer' } });
    expect(choice.failures.map((f) => [f.kind, f.key])).toEqual([['local', 'runtime.error.runnerFailed']]);
    expect(calls).toEqual(['probe', 'local', 'webcontainer']);
  });

  it('auto, static host: WebContainer when isolated, without trying the local runtime', async () => {
    const { options: o, calls } = options({ probeRunner: fail('runtime.error.runnerUnreachable') });
    const choice = await chooseRuntime(o);
    expect(choice).toMatchObject({ mode: 'live', runtime: { kind: 'webcontainer' } });
    expect(calls).toEqual(['probe', 'webcontainer']);
  });

  it('auto, static host, not isolated: read-only with both reasons; WebContainer never booted', async () => {
    const { options: o, calls } = options({ probeRunner: fail('runtime.error.runnerUnreachable'), isolated: () => false });
    await expect(chooseRuntime(o)).resolves.toMatchObject({
      mode: 'readonly',
      reasons: [expect.objectContaining({ key: 'runtime.error.runnerUnreachable' }), expect.objectContaining({ key: 'runtime.error.notIsolated' })],
    });
    expect(calls).toEqual(['probe']);
  });

  it('auto, WebContainer boot failing: read-only with its key', async () => {
    const { options: o } = options({ probeRunner: fail('runtime.error.runnerUnreachable'), createWebContainer: fail('runtime.error.bootTimeout') });
    await expect(chooseRuntime(o)).resolves.toMatchObject({
      mode: 'readonly',
      reasons: [expect.objectContaining({ key: 'runtime.error.runnerUnreachable' }), expect.objectContaining({ key: 'runtime.error.bootTimeout' })],
    });
  });

  it('a suspended workspace ends the choice: no other runtime is tried (the tab resumes later)', async () => {
    const { options: o, calls } = options({ createLocal: fail('runtime.error.suspended') });
    await expect(chooseRuntime(o)).rejects.toMatchObject({ key: 'runtime.error.suspended' });
    expect(calls).toEqual(['probe', 'local']);
  });

  it('the runner refusing a page for its limit is a reason with the number, not a bare key', async () => {
    const { options: o } = options({
      createLocal: () => Promise.reject(new RuntimeError('runtime.error.tooManyPages', { detail: { limit: 6 } })),
      isolated: () => false,
    });
    await expect(chooseRuntime(o)).resolves.toMatchObject({
      mode: 'readonly',
      reasons: [{ key: 'runtime.error.tooManyPages', detail: { limit: 6 } }, { key: 'runtime.error.notIsolated' }],
    });
  });

  it('never hangs: a probe and a boot that never answer end in their timeouts; a late runtime is disposed', async () => {
    vi.useFakeTimers();
    let signal: AbortSignal | undefined;
    let resolveLate!: (runtime: Runtime) => void;
    const { options: o } = options({
      probeRunner: never,
      createWebContainer: (s) => {
        signal = s;
        return new Promise<Runtime>((resolve) => {
          resolveLate = resolve;
        });
      },
      probeTimeoutMs: 1_000,
      webcontainerTimeoutMs: 15_000,
    });
    const verdict = vi.fn();
    void chooseRuntime(o).then(verdict);
    await vi.advanceTimersByTimeAsync(15_999);
    expect(verdict).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    // The reasons keep their values: the learner reads "within 15 seconds", never "within  seconds".
    expect(verdict).toHaveBeenCalledWith({
      mode: 'readonly',
      reasons: [
        expect.objectContaining({ key: 'runtime.error.runnerUnreachable' }),
        { key: 'runtime.error.bootTimeout', detail: { seconds: 15 } },
      ],
      failures: expect.any(Array),
    });
    expect(signal?.aborted).toBe(true);
    const late = fakeRuntime('webcontainer');
    resolveLate(late);
    await vi.advanceTimersByTimeAsync(0);
    expect(late.disposed).toBe(1);
  });

  it('local preference: local, else WebContainer', async () => {
    const ok = options({ preference: 'local', probeRunner: fail('runtime.error.runnerUnreachable') });
    await expect(chooseRuntime(ok.options)).resolves.toMatchObject({ mode: 'live', runtime: { kind: 'local' } });
    expect(ok.calls).toEqual(['local']);
    const fallback = options({ preference: 'local', createLocal: fail('runtime.error.runnerUnreachable') });
    await expect(chooseRuntime(fallback.options)).resolves.toMatchObject({ mode: 'live', runtime: { kind: 'webcontainer' } });
    expect(fallback.calls).toEqual(['local', 'webcontainer']);
  });

  it('webcontainer preference: WebContainer, else local, else read-only', async () => {
    const ok = options({ preference: 'webcontainer' });
    await expect(chooseRuntime(ok.options)).resolves.toMatchObject({ mode: 'live', runtime: { kind: 'webcontainer' } });
    expect(ok.calls).toEqual(['webcontainer']);
    const fallback = options({ preference: 'webcontainer', isolated: () => false });
    await expect(chooseRuntime(fallback.options)).resolves.toMatchObject({
      mode: 'live',
      runtime: { kind: 'local' },
      failures: [{ kind: 'webcontainer', key: 'runtime.error.notIsolated' }],
    });
    const none = options({ preference: 'webcontainer', createWebContainer: fail('runtime.error.bootFailed'), createLocal: fail('runtime.error.runnerUnreachable') });
    await expect(chooseRuntime(none.options)).resolves.toMatchObject({
      mode: 'readonly',
      reasons: [expect.objectContaining({ key: 'runtime.error.bootFailed' }), expect.objectContaining({ key: 'runtime.error.runnerUnreachable' })],
    });
  });

  it('an error that is no RuntimeError still gives a key', async () => {
    const { options: o } = options({ probeRunner: fail('runtime.error.runnerUnreachable'), createWebContainer: () => Promise.reject(new TypeError('boom')) });
    await expect(chooseRuntime(o)).resolves.toMatchObject({ mode: 'readonly', reasons: [expect.objectContaining({ key: 'runtime.error.runnerUnreachable' }), expect.objectContaining({ key: 'runtime.error.unknown' })] });
  });

  it('aborting the choice rejects with aborted', async () => {
    const controller = new AbortController();
    const { options: o } = options({ probeRunner: never, signal: controller.signal });
    const choosing = chooseRuntime(o);
    controller.abort();
    await expect(choosing).rejects.toMatchObject({ key: 'runtime.error.aborted' });
  });
});
