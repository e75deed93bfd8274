// The runner's output streams as WebSockets (lab/runner/websocket.ts): the handshake only after
// the guard and the token; what the server does with the page's frames (ping, close, frames it
// must refuse); and the streams' refusals, each with its status.
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOutput, startHarness, type Harness } from './fixtures/runner/harness.ts';

let h: Harness;
let stream: string;
beforeAll(async () => {
  h = await startHarness({ limits: { maxWorkspaces: 2, killGraceMs: 200 } });
  const ws = await h.workspace();
  await h.call('POST', `/__runner/workspaces/${ws.id}/mount`, { body: JSON.stringify({ files: { 's.js': "console.log('up'); setInterval(() => {}, 1000)" } }) });
  const pid = (await h.call('POST', `/__runner/workspaces/${ws.id}/processes`, { body: JSON.stringify({ command: 'node', args: ['s.js'] }) })).json.pid;
  stream = `/__runner/workspaces/${ws.id}/processes/${pid}/output?token=${h.token}`;
});
afterAll(async () => {
  await h?.close();
});

/** A raw WebSocket connection: the socket after the 101, and every frame the server sent. */
function connect(path: string): Promise<{ socket: Duplex; frames: { opcode: number; payload: Buffer }[]; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port: h.port,
      path,
      agent: false,
      headers: { host: `127.0.0.1:${h.port}`, connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': randomBytes(16).toString('base64') },
    });
    req.on('response', (res) => reject(new Error(`status ${res.statusCode}`)));
    req.on('error', reject);
    req.on('upgrade', (_res, socket, head) => {
      const frames: { opcode: number; payload: Buffer }[] = [];
      let buffer: Buffer = Buffer.from(head);
      const parse = (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        while (buffer.length >= 2) {
          let length = buffer[1]! & 0x7f;
          let offset = 2;
          if (length === 126) [length, offset] = [buffer.readUInt16BE(2), 4];
          if (buffer.length < offset + length) break;
          frames.push({ opcode: buffer[0]! & 0x0f, payload: buffer.subarray(offset, offset + length) });
          buffer = buffer.subarray(offset + length);
        }
      };
      socket.on('data', parse);
      parse(Buffer.alloc(0));
      const ended = new Promise<void>((r) => socket.once('close', () => r()));
      resolve({ socket, frames, ended });
    });
    req.end();
  });
}

/** A client frame (masked, as a browser sends it; `masked: false` breaks the rule on purpose). */
function clientFrame(opcode: number, payload: Buffer, masked = true): Buffer {
  const mask = randomBytes(4);
  const body = masked ? Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!)) : payload;
  const header = payload.length < 126 ? Buffer.from([0x80 | opcode, (masked ? 0x80 : 0) | payload.length]) : Buffer.from([0x80 | opcode, (masked ? 0x80 : 0) | 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([header, masked ? mask : Buffer.alloc(0), body]);
}

const closeCode = (frames: { opcode: number; payload: Buffer }[]) => frames.find((f) => f.opcode === 0x8)?.payload.readUInt16BE(0);

describe('runner output streams over WebSocket', () => {
  it('streams the output once the handshake passed the guard; a plain GET is told to upgrade', async () => {
    const output = await openOutput(h.port, stream);
    await output.until((e) => e.data.t === 'chunk' && e.data.data === 'up\n');
    output.close();
    const plain = await h.call('GET', stream.replace(/\?.*/, ''));
    expect([plain.status, plain.json.error.key]).toEqual([426, 'upgradeRequired']);
    await expect(openOutput(h.port, stream, { host: 'evil.example:80' })).rejects.toThrow(/WS 403/);
    await expect(openOutput(h.port, stream.replace(/processes\/\d+/, 'processes/999999'))).rejects.toThrow(/WS 404: .*processNotFound/);
  });

  it('answers a ping with a pong and a close with a close', async () => {
    const { socket, frames, ended } = await connect(stream);
    socket.write(clientFrame(0x9, Buffer.from('hi')));
    socket.write(clientFrame(0x8, Buffer.from([0x03, 0xe8])));
    await ended;
    expect(frames.find((f) => f.opcode === 0xa)?.payload.toString()).toBe('hi');
    expect(closeCode(frames)).toBe(1000);
  });

  it('ends a connection that sends an unmasked frame (1002) or one larger than a control frame needs (1009)', async () => {
    const unmasked = await connect(stream);
    unmasked.socket.write(clientFrame(0x1, Buffer.from('x'), false));
    await unmasked.ended;
    expect(closeCode(unmasked.frames)).toBe(1002);
    const large = await connect(stream);
    large.socket.write(clientFrame(0x1, Buffer.alloc(5000)));
    await large.ended;
    expect(closeCode(large.frames)).toBe(1009);
  });

  it('refuses the stream of a suspended workspace with 410 and the limit', async () => {
    const suspendedPath = stream;
    await h.workspace();
    await h.workspace(); // the limit is 2: the streamed workspace, now the least recently active, made room
    await expect(openOutput(h.port, suspendedPath)).rejects.toThrow(/WS 410: .*workspaceSuspended.*"limit":2/);
  });
});
