// Streams one process's output log to a page over a WebSocket, one JSON message per event (the
// messages are lab/protocol/runner.ts's OutputMessage: chunks, a notice when the log dropped bytes
// unseen, the exit last). A page that lost its connection opens a new one with `?from=<the last id it saw>` and goes on
// from there. Sends follow the socket's backpressure: while the page is slow nothing is queued
// here; the reader's place in the log is an offset, and the log itself is bounded.
import type { OutputMessage } from '../protocol/runner.ts';
import type { OutputLog } from './output.ts';
import type { WebSocketConnection } from './websocket.ts';

export interface OutputStreamOptions {
  /** Where to start: a byte offset the page saw last (`?from=`), else the oldest byte kept. */
  from: number | null;
  /** Interval of the keep-alive ping (also how a dead connection is noticed). */
  heartbeatMs: number;
  /** `byPage`: the page closed the connection (it went away), not the process's end. */
  onClose: (byPage: boolean) => void;
  /** Extra fields of the `exit` message (why the process ended, when the runner knows better). */
  exitNote?: () => Pick<Extract<OutputMessage, { t: 'exit' }>, 'reason' | 'limit'>;
}

export function streamOutput(socket: WebSocketConnection, log: OutputLog, options: OutputStreamOptions): void {
  let cursor = options.from === null ? 0 : Math.min(options.from, log.end);
  let waitingDrain = false;
  let done = false;

  const send = (message: OutputMessage): boolean => socket.send(JSON.stringify(message));
  const pump = () => {
    if (done || waitingDrain || socket.closed) return;
    for (const chunk of log.readFrom(cursor)) {
      let room = true;
      if (chunk.start > cursor) room = send({ t: 'notice', key: 'outputTruncated', dropped: chunk.start - cursor });
      room = send({ t: 'chunk', stream: chunk.stream, data: chunk.data, id: chunk.end }) && room;
      cursor = chunk.end;
      if (!room) {
        waitingDrain = true;
        socket.onDrain(() => {
          waitingDrain = false;
          pump();
        });
        return;
      }
    }
    if (log.exit && cursor >= log.end) {
      done = true;
      send({ t: 'exit', code: log.exit.code, signal: log.exit.signal, ...options.exitNote?.() });
      socket.close(1000);
    }
  };

  const unsubscribe = log.subscribe(pump);
  const heartbeat = setInterval(() => socket.ping(), options.heartbeatMs);
  heartbeat.unref();
  socket.onClose((byPeer) => {
    unsubscribe();
    clearInterval(heartbeat);
    // After our own `exit` the page may close first: that is still the process's end.
    options.onClose(byPeer && !done);
  });
  pump();
}

/** `?from=` as a byte offset, or null. */
export function resumeOffset(value: string | null): number | null {
  return value !== null && /^\d{1,15}$/.test(value) ? Number(value) : null;
}
