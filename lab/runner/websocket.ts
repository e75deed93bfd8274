// The server side of a WebSocket (RFC 6455), as much as the runner's output streams need: the
// handshake, text messages to the page, ping/pong and close. The page only ever sends control
// frames, so anything else it sends is read (bounded) and ignored.
//
// Why not Server-Sent Events: a browser keeps at most six HTTP/1.1 connections per host, shared by
// all its tabs, and each tab's output stream held one for as long as the tab was open — at six
// tabs of the course every other request waited, even the seventh tab's own page. WebSocket
// connections are not taken from that pool.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** The largest frame the page may send (it sends only control frames: at most 125 bytes). */
const MAX_CLIENT_FRAME = 4096;
const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface WebSocketConnection {
  /** Sends a text message; false when the socket's buffer is full (wait for `onDrain`). */
  send(text: string): boolean;
  onDrain(listener: () => void): void;
  ping(): void;
  /** Closes (a close frame, then the socket ends). */
  close(code?: number): void;
  /** Once, when the connection is gone; `byPeer`: the page closed it (or it broke), not us. */
  onClose(listener: (byPeer: boolean) => void): void;
  readonly closed: boolean;
}

/** Whether this request asks for a WebSocket (a GET with `Upgrade: websocket`). */
export function wantsWebSocket(req: IncomingMessage): boolean {
  return req.method === 'GET' && String(req.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

/** Answers an upgrade request with an ordinary HTTP response (a refusal), then drops the socket. */
export function refuseUpgrade(socket: Duplex, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  const reason = status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : status === 410 ? 'Gone' : 'Error';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\n` +
      `Cache-Control: no-store\r\nConnection: close\r\n\r\n${text}`,
  );
}

/** Completes the handshake (the caller has checked who asks) and returns the connection; null
 * (the socket refused with a 400) when the request is not a valid WebSocket handshake. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer): WebSocketConnection | null {
  const key = req.headers['sec-websocket-key'];
  if (!wantsWebSocket(req) || req.headers['sec-websocket-version'] !== '13' || typeof key !== 'string' || !/^[A-Za-z0-9+/]{22}==$/.test(key)) {
    refuseUpgrade(socket, 400, { error: { key: 'badUpgrade', message: 'not a WebSocket (version 13) handshake' } });
    return null;
  }
  const accept = createHash('sha1').update(key + GUID).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  if ('setNoDelay' in socket && typeof socket.setNoDelay === 'function') socket.setNoDelay(true);

  let closed = false;
  let closeSent = false;
  let byPeer = true;
  let pending: Buffer = head.length > 0 ? Buffer.from(head) : Buffer.alloc(0);
  const closeListeners: ((byPeer: boolean) => void)[] = [];

  const writeFrame = (opcode: number, payload: Buffer): boolean => (closed ? false : socket.write(frame(opcode, payload)));
  const sendClose = (code: number) => {
    if (closeSent) return;
    closeSent = true;
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(code);
    writeFrame(OP.close, payload);
  };
  const finish = () => {
    if (closed) return;
    closed = true;
    socket.destroy();
    for (const listener of closeListeners.splice(0)) listener(byPeer);
  };

  const read = (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    for (;;) {
      const parsed = parseFrame(pending);
      if (parsed === 'incomplete') return;
      if (parsed === 'invalid') {
        sendClose(1002);
        return finish();
      }
      if (parsed === 'tooLarge') {
        sendClose(1009);
        return finish();
      }
      pending = pending.subarray(parsed.length);
      if (parsed.opcode === OP.close) {
        sendClose(1000);
        socket.end();
        return finish();
      }
      if (parsed.opcode === OP.ping) writeFrame(OP.pong, parsed.payload);
      // pong, text, binary, continuation: nothing to do with them
    }
  };
  socket.on('data', read);
  // The page's side ending (a closed tab) may come as a half-close: that is the end too.
  socket.on('end', finish);
  socket.on('close', finish);
  socket.on('error', finish);
  if (pending.length > 0) {
    const first = pending;
    pending = Buffer.alloc(0);
    read(first);
  }

  return {
    send: (text) => writeFrame(OP.text, Buffer.from(text, 'utf8')),
    onDrain: (listener) => void socket.once('drain', listener),
    ping: () => void writeFrame(OP.ping, Buffer.alloc(0)),
    close(code = 1000) {
      if (closed) return;
      byPeer = false;
      sendClose(code);
      socket.end();
      // The peer answers the close frame and the socket closes; if it never does, do not wait.
      setTimeout(finish, 1000).unref();
    },
    onClose(listener) {
      if (closed) listener(byPeer);
      else closeListeners.push(listener);
    },
    get closed() {
      return closed;
    },
  };
}

/** A server frame: FIN set, never masked. */
function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header = Buffer.alloc(length < 126 ? 2 : length < 65_536 ? 4 : 10);
  header[0] = 0x80 | opcode;
  if (length < 126) header[1] = length;
  else if (length < 65_536) {
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

/** One client frame from the start of `data` (clients must mask; a frame beyond the bound ends the connection). */
function parseFrame(data: Buffer): { opcode: number; payload: Buffer; length: number } | 'incomplete' | 'invalid' | 'tooLarge' {
  if (data.length < 2) return 'incomplete';
  const opcode = data[0]! & 0x0f;
  const masked = (data[1]! & 0x80) !== 0;
  if (!masked || (data[0]! & 0x70) !== 0) return 'invalid';
  let length = data[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (data.length < 4) return 'incomplete';
    length = data.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (data.length < 10) return 'incomplete';
    const big = data.readBigUInt64BE(2);
    if (big > BigInt(MAX_CLIENT_FRAME)) return 'tooLarge';
    length = Number(big);
    offset = 10;
  }
  if (length > MAX_CLIENT_FRAME) return 'tooLarge';
  if (data.length < offset + 4 + length) return 'incomplete';
  const mask = data.subarray(offset, offset + 4);
  const payload = Buffer.alloc(length);
  for (let i = 0; i < length; i++) payload[i] = data[offset + 4 + i]! ^ mask[i % 4]!;
  return { opcode, payload, length: offset + 4 + length };
}
