// The local runtime against fakes of its boundaries: fetch (a tiny in-memory runner that keeps
// the README's API), WebSocket, sendBeacon and the page's lifecycle events.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { adaptOutputSocket, createLocalRuntime, fetchRunnerToken, type WebSocketLike } from '../../site/runtime/local.ts';
import { RuntimeError, type BootProgress } from '../../site/runtime/types.ts';

const TOKEN = 'tok-123';

class FakeWebSocket implements WebSocketLike {
  static readonly instances: FakeWebSocket[] = [];
  readonly url: string;
  onmessage: WebSocket['onmessage'] = null;
  onclose: WebSocket['onclose'] = null;
  onerror: WebSocket['onerror'] = null;
  closed = false;
  constructor(url: string) {
    this.url = url;
    FakeWebSocket.instances.push(this);
  }
  send(value: object): void {
    this.onmessage?.call(this as unknown as WebSocket, new MessageEvent('message', { data: JSON.stringify(value) }));
  }
  /** The connection breaks (the runner restarted, the network): an error, then a close. */
  drop(): void {
    this.onerror?.call(this as unknown as WebSocket, new Event('error'));
    this.onclose?.call(this as unknown as WebSocket, new CloseEvent('close', { code: 1006 }));
  }
  close(): void {
    this.closed = true;
  }
}

interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A fake runner behind fetch: workspaces with files, processes, previews. */
function fakeRunner(options: { tokenStatus?: number; refuse?: { path: string; status: number; key: string; limit: number } } = {}) {
  const calls: Call[] = [];
  const files = new Map<string, string>();
  let nextPid = 100;
  const json = (value: unknown, status = 200) =>
    new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });
  const fetchFn = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://127.0.0.1:4321');
    const method = init.method ?? 'GET';
    const headers = Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
    calls.push({ method, url: `${url.pathname}${url.search}`, headers, body: init.body === undefined ? undefined : String(init.body) });
    const path = url.pathname;
    if (path === '/__runner/token') {
      if (options.tokenStatus) return new Response('no', { status: options.tokenStatus });
      return json({ token: TOKEN });
    }
    if (headers['x-runner-token'] !== TOKEN) return json({ error: { key: 'runner.error.token', message: 'bad token' } }, 403);
    const body = init.body === undefined ? undefined : String(init.body);
    const refuse = options.refuse;
    if (refuse && path === refuse.path) return json({ error: { key: refuse.key, message: 'refused', limit: refuse.limit } }, refuse.status);
    if (method === 'POST' && path === '/__runner/workspaces') return json({ id: 'ws1' });
    if (method === 'POST' && path === '/__runner/workspaces/ws1/visibility') return json({});
    if (method === 'DELETE' && path === '/__runner/workspaces/ws1') return json({});
    if (method === 'POST' && path === '/__runner/workspaces/ws1/mount') {
      files.clear();
      for (const [p, t] of Object.entries((JSON.parse(body ?? '{}') as { files: Record<string, string> }).files)) files.set(p, t);
      return json({});
    }
    if (path === '/__runner/workspaces/ws1/files') {
      const p = url.searchParams.get('path') ?? '';
      if (method === 'PUT') {
        files.set(p, body ?? '');
        return json({});
      }
      const text = files.get(p);
      return text === undefined ? json({ error: { key: 'runner.error.notFound', message: p } }, 404) : new Response(text);
    }
    if (method === 'GET' && path === '/__runner/workspaces/ws1/tree') return json({ files: [...files.keys()].sort() });
    if (method === 'POST' && path === '/__runner/workspaces/ws1/processes') {
      const { command } = JSON.parse(body ?? '{}') as { command: string };
      if (command !== 'node') return json({ error: { key: 'runner.error.command', message: 'only node' } }, 400);
      return json({ pid: nextPid++ });
    }
    if (/^\/__runner\/workspaces\/ws1\/processes\/\d+\/input$/.test(path)) return json({});
    if (method === 'DELETE' && /^\/__runner\/workspaces\/ws1\/processes\/\d+$/.test(path)) return json({});
    if (method === 'POST' && path === '/__runner/workspaces/ws1/preview') {
      const { port } = JSON.parse(body ?? '{}') as { port: number };
      return json({ url: `http://127.0.0.1:${50000 + port}/` });
    }
    return json({ error: { key: 'runner.error.route', message: path } }, 404);
  }) as typeof fetch;
  return { fetch: fetchFn, calls, files };
}

function page() {
  const target = new EventTarget();
  const beacons: [string, BodyInit | null | undefined][] = [];
  return {
    lifecycle: target,
    beacons,
    sendBeacon: (url: string, data?: BodyInit | null) => {
      beacons.push([url, data]);
      return true;
    },
    hide: () => target.dispatchEvent(new Event('pagehide')),
  };
}

async function connect(runner = fakeRunner(), extra: Partial<Parameters<typeof createLocalRuntime>[0]> = {}) {
  const p = page();
  const runtime = await createLocalRuntime({
    fetch: runner.fetch,
    WebSocket: FakeWebSocket,
    sendBeacon: p.sendBeacon,
    lifecycle: p.lifecycle,
    ...extra,
  });
  return { runtime, runner, page: p };
}

afterEach(() => {
  FakeWebSocket.instances.length = 0;
  vi.useRealTimers();
});

describe('local runtime: connecting', () => {
  it('gets the token, creates a workspace, mounts the files, reporting steps', async () => {
    const runner = fakeRunner();
    const steps: BootProgress[] = [];
    const { runtime } = await connect(runner, { files: { 'server.js': 'x', './views/a.html': 'y' }, onStep: (s) => steps.push(s) });
    expect(runtime.kind).toBe('local');
    expect(runner.calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET /__runner/token',
      'POST /__runner/workspaces',
      'POST /__runner/workspaces/ws1/mount',
    ]);
    expect(runner.calls[1]?.headers['x-runner-token']).toBe(TOKEN);
    expect(JSON.parse(runner.calls[2]?.body ?? '')).toEqual({ files: { 'server.js': 'x', 'views/a.html': 'y' } });
    expect(steps.map((s) => `${s.step}:${s.progress}`)).toEqual(['boot:0', 'boot:1', 'dependencies:1', 'files:0', 'files:1']);
    expect(runtime.labScript('host.mjs')).toBe('host.mjs');
  });

  it('no runner (network error, 404, not JSON) → runnerUnreachable; 403 → runnerRefused', async () => {
    const down = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    await expect(fetchRunnerToken({ fetch: down })).rejects.toMatchObject({ key: 'runtime.error.runnerUnreachable', step: 'boot' });
    await expect(createLocalRuntime({ fetch: down, WebSocket: FakeWebSocket })).rejects.toMatchObject({
      key: 'runtime.error.runnerUnreachable',
    });
    await expect(fetchRunnerToken({ fetch: fakeRunner({ tokenStatus: 404 }).fetch })).rejects.toMatchObject({
      key: 'runtime.error.runnerUnreachable',
      detail: { status: 404 },
    });
    const html = (async () => new Response('<!doctype html><title>static host</title>')) as typeof fetch;
    await expect(fetchRunnerToken({ fetch: html })).rejects.toMatchObject({ key: 'runtime.error.runnerUnreachable' });
    await expect(fetchRunnerToken({ fetch: fakeRunner({ tokenStatus: 403 }).fetch })).rejects.toMatchObject({
      key: 'runtime.error.runnerRefused',
    });
  });

  it('a runner that never answers → runnerUnreachable after the timeout, the request aborted', async () => {
    vi.useFakeTimers();
    let signal: AbortSignal | undefined;
    const hang = ((_: RequestInfo | URL, init?: RequestInit) => {
      signal = init?.signal ?? undefined;
      return new Promise<Response>(() => {});
    }) as typeof fetch;
    const outcome = fetchRunnerToken({ fetch: hang, timeoutMs: 2_000 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await outcome).toMatchObject({ key: 'runtime.error.runnerUnreachable' });
    expect(signal?.aborted).toBe(true);
  });

  it('uses the given base and a token fetched before', async () => {
    const runner = fakeRunner();
    await connect(runner, { token: TOKEN, base: 'http://127.0.0.1:4321' });
    expect(runner.calls.map((c) => c.url)).toEqual(['/__runner/workspaces']);
  });
});

describe('local runtime: files and processes', () => {
  it('reads, writes and lists files; a missing file is fileMissing; runner errors keep their key', async () => {
    const { runtime, runner } = await connect();
    await runtime.mount({ 'server.js': 'one' });
    await runtime.writeFile('sessions/a.json', '{}');
    expect(runner.calls.at(-1)).toMatchObject({ method: 'PUT', url: '/__runner/workspaces/ws1/files?path=sessions%2Fa.json', body: '{}' });
    expect(runner.calls.at(-1)?.headers['content-type']).toMatch(/^text\/plain/);
    expect(await runtime.readFile('server.js')).toBe('one');
    expect(await runtime.listFiles()).toEqual(['server.js', 'sessions/a.json']);
    await expect(runtime.readFile('nope.js')).rejects.toMatchObject({ key: 'runtime.error.fileMissing' });
    await expect(runtime.writeFile('../../etc/passwd', 'x')).rejects.toMatchObject({ key: 'runtime.error.badPath' });
    const error = await runtime.spawn('bash', ['-c', 'id']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimeError);
    expect(error).toMatchObject({ key: 'runtime.error.runnerFailed', detail: { status: 400, runnerKey: 'runner.error.command' } });
  });

  it('spawn: output over a WebSocket (token in the query), input by POST, kill by DELETE, exit code', async () => {
    const { runtime, runner } = await connect();
    const process = await runtime.spawn('node', ['host.mjs']);
    expect(JSON.parse(runner.calls.at(-1)?.body ?? '')).toEqual({ command: 'node', args: ['host.mjs'] });
    const source = FakeWebSocket.instances[0] as FakeWebSocket;
    expect(source.url).toBe(`ws://localhost/__runner/workspaces/ws1/processes/100/output?token=${TOKEN}`);

    await process.write('{"id":1,"op":"jar","browser":"A"}\n');
    expect(runner.calls.at(-1)).toMatchObject({
      method: 'POST',
      url: '/__runner/workspaces/ws1/processes/100/input',
      body: '{"id":1,"op":"jar","browser":"A"}\n',
    });

    source.send({ t: 'chunk', data: 'hel' });
    source.send({ t: 'chunk', data: 'lo\n' });
    source.send({ t: 'exit', code: 3, signal: null });
    const reader = process.output.getReader();
    const chunks: string[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
    expect(chunks.join('')).toBe('hello\n');
    await expect(process.exit).resolves.toBe(3);
    expect(source.closed).toBe(true);

    const second = await runtime.spawn('node', ['server.js']);
    second.kill();
    await vi.waitFor(() => expect(runner.calls.at(-1)).toMatchObject({ method: 'DELETE', url: '/__runner/workspaces/ws1/processes/101' }));
    (FakeWebSocket.instances[1] as FakeWebSocket).send({ t: 'exit', code: null, signal: 'SIGTERM' });
    await expect(second.exit).resolves.toBe(143);
  });

  it('previewUrl asks the runner once per port', async () => {
    const { runtime, runner } = await connect();
    await expect(runtime.previewUrl(3000)).resolves.toBe('http://127.0.0.1:53000/');
    await expect(runtime.previewUrl(3000)).resolves.toBe('http://127.0.0.1:53000/');
    expect(runner.calls.filter((c) => c.url.endsWith('/preview'))).toHaveLength(1);
    expect(JSON.parse(runner.calls.at(-1)?.body ?? '')).toEqual({ port: 3000 });
  });

  it('dispose deletes the workspace and closes the streams; later calls are refused', async () => {
    const { runtime, runner } = await connect();
    await runtime.spawn('node', ['host.mjs']);
    await runtime.dispose();
    expect(runner.calls.at(-1)).toMatchObject({ method: 'DELETE', url: '/__runner/workspaces/ws1' });
    expect(FakeWebSocket.instances[0]?.closed).toBe(true);
    await expect(runtime.readFile('server.js')).rejects.toMatchObject({ key: 'runtime.error.disposed' });
  });

  it('pagehide sends the dispose beacon (the token in its body) once', async () => {
    const { runtime, page: p } = await connect();
    p.hide();
    p.hide();
    expect(p.beacons).toEqual([['/__runner/workspaces/ws1/dispose', JSON.stringify({ token: TOKEN })]]);
    await expect(runtime.listFiles()).rejects.toMatchObject({ key: 'runtime.error.disposed' });
  });
});

describe('local runtime: the runner’s limits and the page’s visibility', () => {
  it('a refusal for a limit is its own message with the number (never "the runner ran into an error")', async () => {
    const pages = fakeRunner({ refuse: { path: '/__runner/workspaces', status: 429, key: 'tooManyWorkspaces', limit: 6 } });
    await expect(connect(pages)).rejects.toMatchObject({ key: 'runtime.error.tooManyPages', detail: { limit: 6 } });
    const size = fakeRunner({ refuse: { path: '/__runner/workspaces/ws1/files', status: 413, key: 'fileTooLarge', limit: 512 * 1024 } });
    const { runtime } = await connect(size);
    await expect(runtime.writeFile('big.js', 'x')).rejects.toMatchObject({ key: 'runtime.error.fileTooLarge', detail: { kilobytes: 512 } });
    const gone = fakeRunner({ refuse: { path: '/__runner/workspaces/ws1/mount', status: 410, key: 'workspaceSuspended', limit: 6 } });
    await expect(connect(gone, { files: { 'a.js': '' } })).rejects.toMatchObject({ key: 'runtime.error.suspended', detail: { limit: 6 } });
  });

  it('tells the runner when the page is hidden or shown again, until it is disposed', async () => {
    const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
    const { runtime, runner } = await connect(fakeRunner(), { visibility: doc });
    const reports = () => runner.calls.filter((c) => c.url.endsWith('/visibility')).map((c) => c.body);
    doc.visibilityState = 'hidden';
    doc.dispatchEvent(new Event('visibilitychange'));
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    await vi.waitFor(() => expect(reports()).toEqual(['{"visible":false}', '{"visible":true}']));
    await runtime.dispose();
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(reports()).toHaveLength(2);
  });
});

describe('adaptOutputSocket', () => {
  /** The adapter over fake sockets: every (re)connection and the offset it asked to start from. */
  const adapt = () => {
    const opened: { socket: FakeWebSocket; from: number | null }[] = [];
    const closed = vi.fn();
    const stream = adaptOutputSocket((from) => {
      const socket = new FakeWebSocket(`/x?from=${from}`);
      opened.push({ socket, from });
      return socket;
    }, closed);
    const last = () => opened.at(-1)!.socket;
    return { stream, opened, closed, last };
  };
  const readAll = async (output: ReadableStream<string>) => {
    const reader = output.getReader();
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text;
      text += value;
    }
  };

  it('a broken connection is opened again from the last offset seen: nothing lost, nothing twice', async () => {
    vi.useFakeTimers();
    const { stream, opened, last } = adapt();
    last().send({ t: 'chunk', data: 'one\n', id: 4 });
    last().drop();
    await vi.advanceTimersByTimeAsync(250);
    expect(opened.map((o) => o.from)).toEqual([null, 4]);
    last().send({ t: 'chunk', data: 'two\n', id: 8 });
    last().send({ t: 'exit', code: 0, signal: null });
    await expect(stream.exit).resolves.toBe(0);
    expect(await readAll(stream.output)).toBe('one\ntwo\n');
    expect(last().closed).toBe(true);
  });

  it('gives up after a few reconnections in a row without a message: the output ends, the exit rejects', async () => {
    vi.useFakeTimers();
    const { stream, opened, last, closed } = adapt();
    const settled = vi.fn();
    stream.exit.then(settled, settled);
    last().drop();
    await vi.advanceTimersByTimeAsync(250);
    last().send({ t: 'chunk', data: 'back', id: 4 }); // reconnected: the count starts again
    for (let i = 1; i <= 3; i++) {
      last().drop();
      await vi.advanceTimersByTimeAsync(250 * i);
    }
    expect(settled).not.toHaveBeenCalled();
    last().drop();
    await expect(stream.exit).rejects.toMatchObject({ key: 'runtime.error.runnerUnreachable' });
    expect(opened).toHaveLength(5);
    expect(closed).toHaveBeenCalledOnce();
    expect(await readAll(stream.output)).toBe('back');
  });

  it('an exit the runner gives for a suspension rejects with `suspended` and its limit (the runtime is gone)', async () => {
    const { stream, last } = adapt();
    last().send({ t: 'chunk', stream: 'stdout', data: 'up\n', id: 3 });
    last().send({ t: 'exit', code: null, signal: 'SIGTERM', reason: 'suspended', limit: 6 });
    await expect(stream.exit).rejects.toMatchObject({ key: 'runtime.error.suspended', detail: { limit: 6 } });
    expect(await readAll(stream.output)).toBe('up\n');
    expect(last().closed).toBe(true);
  });

  it('ignores messages that are not JSON; close() stops reading and never reconnects', async () => {
    vi.useFakeTimers();
    const { stream, opened, last } = adapt();
    last().onmessage?.call(last() as unknown as WebSocket, new MessageEvent('message', { data: 'garbage' }));
    last().send({ t: 'chunk', data: 'ok', id: 2 });
    stream.close();
    expect(last().closed).toBe(true);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(opened).toHaveLength(1);
    expect(await readAll(stream.output)).toBe('ok');
  });
});
