// Reads the host's output to its end, frame by frame: the one reader of the process's output, so
// every frame reaches the client in the order the host wrote it, the last line included.
import { createFrameReader } from '../../lab/protocol/frames.ts';
import type { HostFrame } from '../../lab/protocol/host.ts';

/** Resolves once the output ended (or failed: the host's exit then says how it ended). */
export async function pumpFrames(
  output: ReadableStream<string>,
  onFrame: (frame: HostFrame) => void,
  onNoise?: (line: string) => void,
): Promise<void> {
  const reader = createFrameReader(onNoise);
  const stream = output.getReader();
  try {
    for (;;) {
      const { done, value } = await stream.read();
      if (done) break;
      for (const frame of reader.push(value)) onFrame(frame);
    }
  } catch {
    // The stream failed: the exit handling reports the end.
  } finally {
    stream.releaseLock();
  }
  for (const frame of reader.end()) onFrame(frame);
}
