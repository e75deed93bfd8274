// The runner's preview proxy: only to a port the workspace's host reported (`listening`), on
// 127.0.0.1, passing requests and cookies through untouched, adding COEP/CORP for the iframe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, openOutput, rawRequest, startHarness, waitFor, type Harness, type OutputStream } from './fixtures/runner/harness.ts';

let h: Harness;
let ws: { id: string; dir: string };
let hostPid: number;
let sse: OutputStream;
let lessonPort: number;
let serverPid: number;

const tcpServers = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
const preview = (id: string, port: unknown, host?: string) =>
  h.call('POST', `/__runner/workspaces/${id}/preview`, { body: JSON.stringify({ port }), host });

beforeAll(async () => {
  h = await startHarness({ limits: { killGraceMs: 300 } });
  ws = await h.workspace();
  const started = await h.call('POST', `/__runner/workspaces/${ws.id}/processes`, { body: JSON.stringify({ command: 'node', args: ['host.mjs'] }) });
  expect(started.status).toBe(201);
  hostPid = started.json.pid;
  sse = await openOutput(h.port, `/__runner/workspaces/${ws.id}/processes/${hostPid}/output?token=${h.token}`);
  const events = await sse.until((e) => e.data.t === 'chunk' && e.data.data.includes('"listening"'));
  const text = events.map((e) => e.data.data).join('');
  const notice = text.split('\n').find((l) => l.startsWith('\x1e') && l.includes('"fixture"'))!;
  ({ port: lessonPort, serverPid } = JSON.parse(notice.slice(1)).data);
});
afterAll(async () => {
  sse?.close();
  await h?.close();
});

describe('runner preview proxy', () => {
  it('streams the host frames to the page untouched', () => {
    const text = sse.events.map((e) => e.data.data).join('');
    expect(text).toContain(`\x1e{"t":"hello","version":0,"pid":${hostPid}}\n`);
    expect(text).toContain('plain terminal text, not a frame\n');
    expect(text).toContain(`\x1e{"t":"event","instance":"main","event":{"type":"listening","port":${lessonPort}}}\n`);
  });

  it('refuses a port the workspace never reported, starting no proxy', async () => {
    const before = tcpServers();
    const other = await preview(ws.id, h.port);
    expect(other.status).toBe(403);
    expect(other.json.error.key).toBe('portNotReported');
    expect((await preview(ws.id, lessonPort + 1)).status).toBe(403);
    // Another workspace's lesson port is not this workspace's.
    const second = await h.workspace();
    const foreign = await preview(second.id, lessonPort);
    expect(foreign.status).toBe(403);
    expect(foreign.json.error.key).toBe('portNotReported');
    expect((await preview(ws.id, 'x')).status).toBe(400);
    expect(tcpServers()).toBe(before);
    await h.call('DELETE', `/__runner/workspaces/${second.id}`);
  });

  it('proxies to a reported port on 127.0.0.1, once per port, with COEP/CORP added and cookies passed both ways', async () => {
    const reply = await preview(ws.id, lessonPort);
    expect(reply.status).toBe(200);
    const url = new URL(reply.json.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.pathname).toBe('/');
    expect((await preview(ws.id, lessonPort)).json.url).toBe(reply.json.url);
    const proxyPort = Number(url.port);
    const host = `127.0.0.1:${proxyPort}`;

    const set = await rawRequest(proxyPort, 'GET', '/set', { host });
    expect(set.status).toBe(302);
    expect(set.headers.location).toBe('/login');
    expect(set.headers['set-cookie']).toEqual(['sid=abc123; Path=/; HttpOnly', 'theme=dark; Path=/']);
    expect(set.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(set.headers['cross-origin-resource-policy']).toBe('cross-origin');

    const echo = await rawRequest(proxyPort, 'POST', '/login?next=%2F', { host, cookie: 'sid=abc123; theme=dark', 'content-type': 'application/x-www-form-urlencoded' }, 'user=ana&pass=x');
    expect(echo.status).toBe(200);
    expect(echo.headers['x-lesson']).toBe('yes');
    expect(echo.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(echo.json).toEqual({ method: 'POST', url: '/login?next=%2F', cookie: 'sid=abc123; theme=dark', host, body: 'user=ana&pass=x' });

    // The proxy answers only to its own loopback name (DNS rebinding).
    const rebound = await rawRequest(proxyPort, 'GET', '/', { host: `evil.example:${proxyPort}` });
    expect(rebound.status).toBe(403);
  });

  it('names the preview with the page host name (localhost and 127.0.0.1 are different cookie sites)', async () => {
    const reply = await preview(ws.id, lessonPort, `localhost:${h.port}`);
    expect(new URL(reply.json.url).hostname).toBe('localhost');
  });

  it('shows a clear 502 page when the lesson server is down, still embeddable', async () => {
    const proxyPort = Number(new URL((await preview(ws.id, lessonPort)).json.url).port);
    process.kill(serverPid, 'SIGKILL');
    await waitFor(() => !isAlive(serverPid), 3000, 'the lesson server to stop');
    const down = await rawRequest(proxyPort, 'GET', '/', { host: `127.0.0.1:${proxyPort}` });
    expect(down.status).toBe(502);
    expect(down.headers['content-type']).toMatch(/^text\/html/);
    expect(down.text).toContain('data-key="previewUnavailable"');
    expect(down.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(down.headers['cross-origin-resource-policy']).toBe('cross-origin');
  });

  it('closes the proxies and kills the host when the workspace is disposed', async () => {
    const proxyPort = Number(new URL((await preview(ws.id, lessonPort)).json.url).port);
    expect((await h.call('DELETE', `/__runner/workspaces/${ws.id}`)).status).toBe(200);
    await expect(rawRequest(proxyPort, 'GET', '/', { host: `127.0.0.1:${proxyPort}` })).rejects.toThrow(/ECONNREFUSED/);
    expect(isAlive(hostPid)).toBe(false);
  });
});
