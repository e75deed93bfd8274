// What the runner reads of the host's frames (lab/protocol/frames.ts, the reader the page uses
// too): the ports the workspace's lesson servers listen on (probe `listening` events), the only
// ones a preview may reach. Everything else on the host's stdout is the page's business.
import { createFrameReader } from '../protocol/frames.ts';
import type { HostFrame } from '../protocol/host.ts';

/** A frame line longer than this is dropped (a `listening` event is tiny; the page reads the rest). */
const MAX_LINE = 1024 * 1024;

/** Feeds the host's stdout text; `onPort` hears each port a lesson server reports listening on. */
export function watchListeningPorts(onPort: (port: number) => void): (text: string) => void {
  const reader = createFrameReader(undefined, MAX_LINE);
  return (text) => {
    for (const frame of reader.push(text)) {
      const port = listeningPort(frame);
      if (port !== null) onPort(port);
    }
  };
}

/** The port of a probe `listening` event frame, or null (a port outside 1–65535 included). */
export function listeningPort(frame: HostFrame): number | null {
  if (frame.t !== 'event' || frame.event.type !== 'listening') return null;
  const { port } = frame.event;
  return typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536 ? port : null;
}
