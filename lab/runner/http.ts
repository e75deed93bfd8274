// Small HTTP helpers for the runner's routes: JSON answers, error answers, bounded bodies.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RunnerError, badRequest, overLimit } from './errors.ts';

const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

export function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...COMMON_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...extra,
  });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string | Buffer): void {
  const body = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  res.writeHead(status, {
    ...COMMON_HEADERS,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': String(body.length),
  });
  res.end(body);
}

/** Any failure as the runner's error: a RunnerError as it is, anything else a 500 `internalError`. */
export function asRunnerError(error: unknown): RunnerError {
  return error instanceof RunnerError ? error : new RunnerError(500, 'internalError', error instanceof Error ? error.message : String(error));
}

export function sendError(res: ServerResponse, error: unknown): void {
  const e = asRunnerError(error);
  const extra: Record<string, string> = {};
  // A refused body is never read: close the connection rather than leave it half-consumed.
  if (e.status === 413) extra.connection = 'close';
  if (e.status === 405 && e.allow) extra.allow = e.allow;
  sendJson(res, e.status, e.body(), extra);
}

/** Reads the whole body, refusing (413) beyond `max` bytes without buffering more than that. */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) {
      reject(tooLarge(max));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error: Error | null) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.pause();
        finish(tooLarge(max));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(null);
    const onError = (error: Error) => finish(error);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

export async function readJson(req: IncomingMessage, max: number): Promise<unknown> {
  const body = await readBody(req, max);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw badRequest('badJson', 'the body is not valid JSON');
  }
}

function tooLarge(max: number): RunnerError {
  return overLimit(413, 'bodyTooLarge', `the request body is larger than ${max} bytes`, max);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
