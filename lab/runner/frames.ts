// Reads the host's frames off its stdout (see lab/README.md): lines that start with the record
// separator \x1e followed by a JSON object. Everything else is terminal text and ignored here.
// The runner only needs one thing from them: the ports the workspace's lesson servers listen on.

const RS = '\x1e';
const MAX_LINE = 1024 * 1024;

export interface FrameReader {
  push(text: string): void;
}

export function createFrameReader(onFrame: (frame: Record<string, unknown>) => void): FrameReader {
  let pending = '';
  let skipping = false; // inside a line longer than MAX_LINE: drop it up to its end
  const line = (raw: string) => {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!text.startsWith(RS)) return;
    try {
      const frame: unknown = JSON.parse(text.slice(1));
      if (typeof frame === 'object' && frame !== null && !Array.isArray(frame)) onFrame(frame as Record<string, unknown>);
    } catch {
      // not a frame after all
    }
  };
  return {
    push(text) {
      let from = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
        if (!skipping) line(pending + text.slice(from, nl));
        pending = '';
        skipping = false;
        from = nl + 1;
      }
      if (skipping) return;
      pending += text.slice(from);
      if (pending.length > MAX_LINE) {
        pending = '';
        skipping = true;
      }
    },
  };
}

/** The port of a probe `listening` event frame, or null. */
export function listeningPort(frame: Record<string, unknown>): number | null {
  if (frame.t !== 'event') return null;
  const event = frame.event;
  if (typeof event !== 'object' || event === null) return null;
  const { type, port } = event as Record<string, unknown>;
  if (type !== 'listening') return null;
  return typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536 ? port : null;
}
