import { describe, expect, it } from 'vitest';
import { createFrameReader, encodeCommand, parseFrameLine } from '../../lab/protocol/frames.ts';
import type { HostFrame } from '../../lab/protocol/host.ts';

const RS = '\x1e';
const frame = (value: object) => `${RS}${JSON.stringify(value)}\n`;

const hello = { t: 'hello', version: 1, pid: 42 };
const out = { t: 'out', instance: 'main', stream: 'stdout', data: 'listening on 3000\n' };
const listening = { t: 'event', instance: 'main', event: { type: 'listening', port: 3000 } };
const reply = { t: 'reply', id: 7, ok: true, result: { instance: 'main', port: 3000, pid: 99 } };

function readAll(chunks: string[]): { frames: HostFrame[]; noise: string[] } {
  const noise: string[] = [];
  const reader = createFrameReader((line) => noise.push(line));
  const frames = chunks.flatMap((chunk) => reader.push(chunk));
  frames.push(...reader.end());
  return { frames, noise };
}

describe('frame reader', () => {
  const text = [hello, out, listening, reply].map(frame).join('');

  it('reads several frames from one chunk, in order', () => {
    const { frames, noise } = readAll([text]);
    expect(frames).toEqual([hello, out, listening, reply]);
    expect(noise).toEqual([]);
  });

  it('reads the same frames whatever the chunk boundaries', () => {
    for (let cut = 1; cut < text.length; cut++) {
      const { frames } = readAll([text.slice(0, cut), text.slice(cut)]);
      expect(frames, `cut at ${cut}`).toEqual([hello, out, listening, reply]);
    }
    // one character at a time
    expect(readAll([...text]).frames).toEqual([hello, out, listening, reply]);
  });

  it('accepts \\r\\n line ends (a pty)', () => {
    const crlf = text.replaceAll('\n', '\r\n');
    expect(readAll([crlf]).frames).toEqual([hello, out, listening, reply]);
    expect(readAll([...crlf]).frames).toEqual([hello, out, listening, reply]);
  });

  it('ignores noise: pty echo of commands, stray text, broken or unknown frames', () => {
    const echo = encodeCommand({ id: 1, op: 'start', instance: 'main' }).replace('\n', '\r\n');
    const chunks = [
      echo,
      frame(hello),
      'some stray text\r\n',
      `${RS}{not json}\n`,
      frame({ t: 'mystery', x: 1 }),
      frame({ t: 'out', instance: 'main', stream: 'weird', data: 'x' }),
      `noise before${RS}${JSON.stringify(reply)}\r\n`,
    ];
    const { frames, noise } = readAll(chunks);
    expect(frames).toEqual([hello, reply]);
    expect(noise).toHaveLength(5);
    expect(noise[0]).toContain('"op":"start"');
  });

  it('reads a last frame without its newline when the output ends', () => {
    const reader = createFrameReader();
    expect(reader.push(`${RS}${JSON.stringify(hello)}`)).toEqual([]);
    expect(reader.end()).toEqual([hello]);
  });

  it('keeps frame data that contains newlines and separators (JSON escapes them)', () => {
    const tricky = { t: 'out', instance: 'main', stream: 'stderr', data: `a\nb\r\n${RS}c` };
    const encoded = frame(tricky);
    expect(encoded.split('\n')).toHaveLength(2);
    expect(readAll([encoded]).frames).toEqual([tricky]);
  });

  it('normalizes exit frames and validates replies', () => {
    expect(parseFrameLine(`${RS}{"t":"exit","instance":"main","code":1}`)).toEqual({
      t: 'exit',
      instance: 'main',
      code: 1,
      signal: null,
    });
    expect(parseFrameLine(`${RS}{"t":"reply","id":"1","ok":true}`)).toBeNull();
    expect(parseFrameLine(`${RS}{"t":"reply","id":3,"ok":false,"error":{"key":"portInUse","message":"EADDRINUSE"}}`)).toEqual({
      t: 'reply',
      id: 3,
      ok: false,
      error: { key: 'portInUse', message: 'EADDRINUSE' },
    });
    expect(parseFrameLine(JSON.stringify(hello))).toBeNull(); // no separator: not a frame
  });
});

describe('encodeCommand', () => {
  it('writes one JSON line that can never contain a raw separator', () => {
    const line = encodeCommand({ id: 3, op: 'request', browser: 'A', method: 'POST', path: '/login', form: { user: `a${RS}\nb` } });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toMatch(/[\n\x1e]/);
    expect(JSON.parse(line)).toMatchObject({ id: 3, op: 'request', form: { user: `a${RS}\nb` } });
  });
});
