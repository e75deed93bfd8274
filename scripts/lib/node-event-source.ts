// EventSource for Node (which has none): enough of it for the local runtime's output streams,
// so the benchmark drives the runner with the very code the browser runs.
import type { EventSourceLike } from '../../site/runtime/local.ts';

export class NodeEventSource implements EventSourceLike {
  onmessage: EventSourceLike['onmessage'] = null;
  onerror: EventSourceLike['onerror'] = null;
  readyState = 0;
  private readonly controller = new AbortController();

  constructor(url: string) {
    void this.read(url);
  }

  private async read(url: string) {
    try {
      const response = await fetch(url, { signal: this.controller.signal, headers: { Accept: 'text/event-stream' } });
      if (!response.ok || !response.body) throw new Error(`status ${response.status}`);
      this.readyState = 1;
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n');
          if (data) this.onmessage?.call(this as never, new MessageEvent('message', { data }));
        }
      }
      this.readyState = 2;
    } catch {
      if (this.controller.signal.aborted) return;
      this.readyState = 2;
      this.onerror?.call(this as never, new Event('error'));
    }
  }

  close() {
    this.readyState = 2;
    this.controller.abort();
  }
}
