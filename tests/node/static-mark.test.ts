// `npm start` marks the pages it serves (a <meta> in the head) so a page knows, without a request,
// that a local runner serves it; the same files served without the mark (a static host) carry none.
// (What the page does with it — the local runner there, no /__runner/ request elsewhere — is in
// tests/e2e/static-host.test.ts and runtime-fallback.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createStaticHandler } from '../../lab/server/static-files.ts';
import { RUNNER_MARK_HTML } from '../../lab/server/headers.ts';

const PAGE = '<!doctype html><html lang="en"><head><title>t</title></head><body>hi</body></html>';
let root = '';
const servers: Server[] = [];
async function serve(options: Parameters<typeof createStaticHandler>[2]): Promise<string> {
  const handle = createStaticHandler(root, {}, options);
  const server = createServer((req, res) => handle(req, res));
  servers.push(server);
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'session-lab-static-'));
  writeFileSync(join(root, 'index.html'), PAGE);
  writeFileSync(join(root, 'app.js'), 'let head = "<head>";');
});
afterAll(() => {
  for (const server of servers) server.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the runner mark', () => {
  it('is in every page npm start serves, gzipped or not, and nowhere else', async () => {
    const marked = await serve({ htmlHead: RUNNER_MARK_HTML });
    const plain = await (await fetch(`${marked}/`, { headers: { 'accept-encoding': 'identity' } })).text();
    expect(plain).toContain(`<head>${RUNNER_MARK_HTML}<title>`);
    const zipped = await fetch(`${marked}/`, { headers: { 'accept-encoding': 'gzip' }, decompress: false } as RequestInit);
    // fetch may decompress by itself: read what arrived either way.
    const bytes = Buffer.from(await zipped.arrayBuffer());
    const text = zipped.headers.get('content-encoding') === 'gzip' && bytes[0] === 0x1f ? gunzipSync(bytes).toString() : bytes.toString();
    expect(text).toContain(RUNNER_MARK_HTML);
    expect(await (await fetch(`${marked}/app.js`)).text()).toBe('let head = "<head>";');

    const bare = await serve({});
    expect(await (await fetch(`${bare}/`)).text()).toBe(PAGE);
  });

});
