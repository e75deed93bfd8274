// A process's output, bounded: a ring of decoded chunks that keeps the newest `max` bytes.
// Readers (SSE streams) hold a byte offset, not a copy, so a slow or absent reader costs nothing
// beyond the ring; when the ring has dropped what a reader had not seen, it learns how much.

export type StreamName = 'stdout' | 'stderr';

export interface OutputChunk {
  stream: StreamName;
  data: string;
  /** Byte offsets in the process's whole output: [start, end). */
  start: number;
  end: number;
}

export interface ExitInfo {
  code: number | null;
  signal: string | null;
}

export interface OutputLog {
  append(stream: StreamName, data: string): void;
  finish(exit: ExitInfo): void;
  readonly exit: ExitInfo | null;
  /** Offset of the oldest byte still kept. */
  readonly start: number;
  /** Offset just past the newest byte. */
  readonly end: number;
  /** Bytes kept now (never above the bound). */
  readonly size: number;
  /**
   * Kept chunks ending after `offset`. A chunk starting after the reader's offset means the bytes
   * in between were dropped (the reader was too slow, or absent).
   */
  readFrom(offset: number): OutputChunk[];
  /** Called after every append and at finish; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

export function createOutputLog(maxBytes: number): OutputLog {
  let chunks: OutputChunk[] = [];
  let head = 0; // chunks[head..] are kept
  let size = 0;
  let end = 0;
  let exit: ExitInfo | null = null;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of [...listeners]) listener();
  };

  return {
    append(stream, data) {
      if (exit || data === '') return;
      let bytes = Buffer.byteLength(data, 'utf8');
      end += bytes;
      if (bytes > maxBytes) {
        // One chunk beyond the whole bound: keep its tail. A UTF-16 unit is at most 3 UTF-8 bytes.
        data = data.slice(-Math.max(1, Math.floor(maxBytes / 3)));
        bytes = Buffer.byteLength(data, 'utf8');
      }
      chunks.push({ stream, data, start: end - bytes, end });
      size += bytes;
      while (size > maxBytes && head < chunks.length) {
        const oldest = chunks[head]!;
        size -= oldest.end - oldest.start;
        head++;
      }
      if (head > 1024 && head * 2 > chunks.length) {
        chunks = chunks.slice(head);
        head = 0;
      }
      notify();
    },
    finish(info) {
      if (exit) return;
      exit = info;
      notify();
    },
    get exit() {
      return exit;
    },
    get start() {
      return head < chunks.length ? chunks[head]!.start : end;
    },
    get end() {
      return end;
    },
    get size() {
      return size;
    },
    readFrom(offset) {
      // Binary search for the first kept chunk ending after `offset`.
      let lo = head;
      let hi = chunks.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (chunks[mid]!.end <= offset) lo = mid + 1;
        else hi = mid;
      }
      return chunks.slice(lo);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
