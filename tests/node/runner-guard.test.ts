// The runner's guard: only the course's own page may drive it. Every refusal is a 403 JSON error
// with a key, and leaves nothing behind (no workspace folder, no token handed out).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './fixtures/runner/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('runner guard', () => {
  it('hands the token to its own page (same-origin) and the token is 256 random bits', async () => {
    const reply = await h.call('GET', '/__runner/token', {
      token: false,
      headers: { 'sec-fetch-site': 'same-origin', origin: `http://127.0.0.1:${h.port}` },
    });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ token: h.token });
    expect(h.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(reply.headers['cache-control']).toBe('no-store');
    // Also on the localhost name, and without Sec-Fetch-Site (not every client sends it).
    const local = await h.call('GET', '/__runner/token', { token: false, host: `localhost:${h.port}` });
    expect(local.json).toEqual({ token: h.token });
  });

  it('accepts a call with the token, Host and Origin of its page', async () => {
    const reply = await h.call('POST', '/__runner/workspaces', { headers: { origin: `http://localhost:${h.port}` }, host: `localhost:${h.port}` });
    expect(reply.status).toBe(201);
    expect(h.workspaces()).toHaveLength(1);
    expect((await h.call('DELETE', `/__runner/workspaces/${reply.json.id}`)).status).toBe(200);
    expect(h.workspaces()).toHaveLength(0);
  });

  it('refuses a call without the token, creating nothing', async () => {
    const reply = await h.call('POST', '/__runner/workspaces', { token: false });
    expect(reply.status).toBe(403);
    expect(reply.json.error.key).toBe('missingToken');
    expect(h.workspaces()).toHaveLength(0);
  });

  it('refuses a wrong token (and one of the wrong length), creating nothing', async () => {
    const wrong = h.token.slice(0, -1) + (h.token.endsWith('A') ? 'B' : 'A');
    for (const token of [wrong, 'short', h.token + 'x']) {
      const reply = await h.call('POST', '/__runner/workspaces', { token });
      expect(reply.status).toBe(403);
      expect(reply.json.error.key).toBe('badToken');
    }
    expect(h.workspaces()).toHaveLength(0);
  });

  it('refuses the token in the query string outside the output stream', async () => {
    const reply = await h.call('POST', `/__runner/workspaces?token=${h.token}`, { token: false });
    expect(reply.status).toBe(403);
    expect(h.workspaces()).toHaveLength(0);
  });

  it('refuses another Origin even with the right token, creating nothing', async () => {
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${h.port + 1}`, `https://127.0.0.1:${h.port}`]) {
      const reply = await h.call('POST', '/__runner/workspaces', { headers: { origin } });
      expect(reply.status, origin).toBe(403);
      expect(reply.json.error.key).toBe('forbiddenOrigin');
    }
    expect(h.workspaces()).toHaveLength(0);
  });

  it('refuses a Host that is not the loopback name and port it serves (DNS rebinding), creating nothing', async () => {
    for (const host of [`evil.example:${h.port}`, `127.0.0.1:${h.port + 1}`, '127.0.0.1', `127.0.0.1.nip.io:${h.port}`]) {
      const reply = await h.call('POST', '/__runner/workspaces', { host });
      expect(reply.status, host).toBe(403);
      expect(reply.json.error.key).toBe('forbiddenHost');
    }
    expect(h.workspaces()).toHaveLength(0);
  });

  it('refuses to hand the token to a cross-site (or same-site) request', async () => {
    for (const site of ['cross-site', 'same-site', 'none']) {
      const reply = await h.call('GET', '/__runner/token', { token: false, headers: { 'sec-fetch-site': site } });
      expect(reply.status, site).toBe(403);
      expect(reply.json.error.key).toBe('forbiddenFetchSite');
      expect(reply.text).not.toContain(h.token);
    }
  });

  it('refuses the token route on a foreign Host or Origin', async () => {
    const a = await h.call('GET', '/__runner/token', { token: false, host: `evil.example:${h.port}` });
    const b = await h.call('GET', '/__runner/token', { token: false, headers: { origin: 'http://evil.example' } });
    for (const reply of [a, b]) {
      expect(reply.status).toBe(403);
      expect(reply.text).not.toContain(h.token);
    }
  });

  it('refuses a cross-site request to any route even with the token', async () => {
    const reply = await h.call('POST', '/__runner/workspaces', { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(reply.status).toBe(403);
    expect(h.workspaces()).toHaveLength(0);
  });

  it('answers undocumented methods with 405 and unknown routes with 404, doing nothing', async () => {
    const put = await h.call('PUT', '/__runner/workspaces');
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe('POST');
    expect((await h.call('POST', '/__runner/token', { token: false })).status).toBe(405);
    expect((await h.call('GET', '/__runner/nope')).status).toBe(404);
    expect((await h.call('GET', '/__runner/workspaces/a%2Fb/tree')).status).toBe(404);
    expect(h.workspaces()).toHaveLength(0);
    // Without the token, an unknown route is a refusal, not a hint.
    expect((await h.call('GET', '/__runner/nope', { token: false })).status).toBe(403);
  });

  it('leaves other paths to the course server', async () => {
    const reply = await h.call('GET', '/__runnerx/token', { token: false });
    expect(reply.status).toBe(404);
    expect(reply.text).toBe('not the runner');
  });

  it('accepts a sendBeacon dispose with the token in the body, and refuses it without', async () => {
    const ws = await h.workspace();
    const refused = await h.call('POST', `/__runner/workspaces/${ws.id}/dispose`, { token: false, body: 'nope', headers: { 'content-type': 'text/plain' } });
    expect(refused.status).toBe(403);
    expect(h.workspaces()).toHaveLength(1);
    const beacon = await h.call('POST', `/__runner/workspaces/${ws.id}/dispose`, {
      token: false,
      body: JSON.stringify({ token: h.token }),
      headers: { origin: `http://127.0.0.1:${h.port}` },
    });
    expect(beacon.status).toBe(200);
    expect(h.workspaces()).toHaveLength(0);
    expect((await h.call('GET', `/__runner/workspaces/${ws.id}/tree`)).json.error.key).toBe('workspaceNotFound');
  });
});
