// Reading the host's frames out of a process's output, and writing its commands: the page's
// host client and the local runner (which learns the ports a workspace listens on) read the host
// the same way. A frame is `\x1e` + JSON + `\n`. The output may come in chunks split anywhere,
// with `\r\n` line ends (a pty), and with lines that are no frames (a pty echoing our commands):
// those are noise.
import { FRAME_START, HOST_FEATURES, NOTICE_KEYS, type Command, type HostFeatures, type HostFrame, type NoticeKey } from './host.ts';
import type { ProbeEvent } from './probe.ts';

/** A line longer than this without an end is dropped as noise (a frame is far smaller). */
const MAX_LINE = 16 * 1024 * 1024;

export interface FrameReader {
  /** Feeds a chunk; returns the frames completed by it, in order. */
  push(chunk: string): HostFrame[];
  /** The output ended: a last line without `\n` is still read. */
  end(): HostFrame[];
}

/** `maxLine`: the longest line kept while its end has not come (default 16 MB). */
export function createFrameReader(onNoise?: (line: string) => void, maxLine = MAX_LINE): FrameReader {
  let pending = '';
  const take = (line: string, out: HostFrame[]) => {
    const frame = parseFrameLine(line);
    if (frame) out.push(frame);
    else if (line.trim() !== '') onNoise?.(line);
  };
  return {
    push(chunk) {
      const out: HostFrame[] = [];
      pending += chunk;
      let newline = pending.indexOf('\n');
      while (newline !== -1) {
        take(pending.slice(0, newline), out);
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
      if (pending.length > maxLine) {
        onNoise?.(pending.slice(0, 200));
        pending = '';
      }
      return out;
    },
    end() {
      const out: HostFrame[] = [];
      if (pending !== '') take(pending, out);
      pending = '';
      return out;
    },
  };
}

/** One line (without its `\n`) → a frame, or null when it is not one. */
export function parseFrameLine(line: string): HostFrame | null {
  const start = line.lastIndexOf(FRAME_START);
  if (start === -1) return null;
  let json = line.slice(start + 1);
  if (json.endsWith('\r')) json = json.slice(0, -1);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  return toFrame(value);
}

type Fields = Record<string, unknown>;
const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isNoticeKey = (value: unknown): value is NoticeKey => (NOTICE_KEYS as readonly unknown[]).includes(value);

/** Checks a parsed value's shape against the protocol; null when it is not a frame. */
export function toFrame(value: unknown): HostFrame | null {
  if (!isObject(value)) return null;
  switch (value.t) {
    case 'hello':
      return isNumber(value.pid) && (isString(value.version) || isNumber(value.version))
        ? { t: 'hello', version: value.version, pid: value.pid }
        : null;
    case 'out':
      return isString(value.instance) && (value.stream === 'stdout' || value.stream === 'stderr') && isString(value.data)
        ? { t: 'out', instance: value.instance, stream: value.stream, data: value.data }
        : null;
    case 'event':
      return isString(value.instance) && isObject(value.event) && isString(value.event.type)
        ? // The event is the probe's (lab/protocol/probe.ts): its type is checked, its fields are the reader's to check.
          { t: 'event', instance: value.instance, event: value.event as unknown as ProbeEvent }
        : null;
    case 'exit':
      return isString(value.instance)
        ? {
            t: 'exit',
            instance: value.instance,
            code: isNumber(value.code) ? value.code : null,
            signal: isString(value.signal) ? value.signal : null,
            ...(isNumber(value.pid) ? { pid: value.pid } : {}),
            ...(typeof value.requested === 'boolean' ? { requested: value.requested } : {}),
          }
        : null;
    case 'notice':
      // The data is the host's (lab/protocol/host.ts, NoticeData): a reader checks what it uses.
      return isString(value.instance) && isNoticeKey(value.key)
        ? ({ t: 'notice', instance: value.instance, key: value.key, ...('data' in value ? { data: value.data } : {}) } as HostFrame)
        : null;
    case 'reply': {
      if (!isNumber(value.id) || typeof value.ok !== 'boolean') return null;
      const error = isObject(value.error)
        ? { key: isString(value.error.key) ? value.error.key : 'unknown', message: isString(value.error.message) ? value.error.message : '' }
        : undefined;
      return {
        t: 'reply',
        id: value.id,
        ok: value.ok,
        ...('result' in value ? { result: value.result } : {}),
        ...(error ? { error } : {}),
      };
    }
    case 'features': {
      const found = value.features;
      if ((value.transport !== 'ipc' && value.transport !== 'http') || !isObject(found)) return null;
      const features = Object.fromEntries(HOST_FEATURES.map((name) => [name, found[name] === true])) as HostFeatures;
      return { t: 'features', transport: value.transport, standby: value.standby === true, features };
    }
    default:
      return null;
  }
}

/** A command as the host reads it: one JSON line. (JSON escapes control characters, so a
 * command echoed by a pty can never look like a frame.) */
export function encodeCommand(command: Command): string {
  return `${JSON.stringify(command)}\n`;
}
