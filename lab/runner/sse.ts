// Streams one process's output log as Server-Sent Events:
//   id: <byte offset>            (so an EventSource reconnect resumes with Last-Event-ID)
//   data: {"t":"chunk","stream":"stdout"|"stderr","data":"…"}
//   data: {"t":"notice","key":"outputTruncated","dropped":N}   (N bytes the ring dropped unseen)
//   data: {"t":"exit","code":N,"signal":S}                     (last; then the stream ends)
// Writes follow the socket's backpressure: while the client is slow nothing is queued here; the
// reader's place in the log is an offset, and the log itself is bounded.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OutputLog } from './output.ts';

const BATCH = 64 * 1024;

export function streamOutput(
  req: IncomingMessage,
  res: ServerResponse,
  log: OutputLog,
  options: { heartbeatMs: number; onClose: () => void },
): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'x-accel-buffering': 'no',
    connection: 'keep-alive',
  });
  res.flushHeaders();
  res.socket?.setNoDelay(true);

  let cursor = resumeOffset(req.headers['last-event-id'], log.end);
  let waitingDrain = false;
  let closed = false;

  const pump = () => {
    if (closed || waitingDrain) return;
    let batch = '';
    for (const chunk of log.readFrom(cursor)) {
      if (chunk.start > cursor) batch += event(null, { t: 'notice', key: 'outputTruncated', dropped: chunk.start - cursor });
      batch += event(chunk.end, { t: 'chunk', stream: chunk.stream, data: chunk.data });
      cursor = chunk.end;
      if (batch.length >= BATCH) {
        if (!res.write(batch)) {
          waitingDrain = true;
          res.once('drain', () => {
            waitingDrain = false;
            pump();
          });
          return;
        }
        batch = '';
      }
    }
    if (log.exit && cursor >= log.end) {
      batch += event(null, { t: 'exit', code: log.exit.code, signal: log.exit.signal });
      res.end(batch);
      close();
      return;
    }
    if (batch && !res.write(batch)) {
      waitingDrain = true;
      res.once('drain', () => {
        waitingDrain = false;
        pump();
      });
    }
  };

  const unsubscribe = log.subscribe(pump);
  const heartbeat = setInterval(() => {
    if (!closed && !waitingDrain) res.write(': keep-alive\n\n');
  }, options.heartbeatMs);
  heartbeat.unref();

  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(heartbeat);
    options.onClose();
  };
  // The response's close is the connection's end (client gone) or our own end after `exit`.
  res.on('close', close);
  pump();
}

function event(id: number | null, data: unknown): string {
  return (id === null ? '' : `id: ${id}\n`) + `data: ${JSON.stringify(data)}\n\n`;
}

function resumeOffset(header: string | string[] | undefined, end: number): number {
  if (typeof header !== 'string' || !/^\d{1,15}$/.test(header)) return 0;
  return Math.min(Number(header), end);
}
