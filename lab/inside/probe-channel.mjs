// @ts-check
// The host's end of the probes' HTTP lines (probe-link.cjs), for servers started without IPC: one
// server on 127.0.0.1, one long request per lesson server (its id and a secret in the path). The
// request body brings the probe's messages as JSON lines; the response body takes the host's.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';

/** @import { HostToProbeMessage } from '../protocol/probe.ts' */

/**
 * @typedef {{ onMessage: (message: unknown) => void, onClose: () => void }} Handlers
 * @typedef {{ url: string, send: (message: HostToProbeMessage) => boolean, readonly open: boolean, close: () => void }} Line
 */

export class ProbeChannel {
  constructor() {
    this.secret = randomBytes(16).toString('hex');
    /** @type {Map<string, { handlers: Handlers, res: import('node:http').ServerResponse | null, closed: boolean }>} */
    this.lines = new Map();
    this.nextId = 0;
    /** @type {Promise<number> | null} */
    this.listening = null;
    // A line lasts as long as its server: no request or header timeout may end it.
    this.server = createServer({ requestTimeout: 0, headersTimeout: 0, keepAliveTimeout: 0 }, (req, res) => this.accept(req, res));
    this.server.unref();
  }

  /** @returns {Promise<number>} the port, once listening */
  port() {
    this.listening ??= new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve(/** @type {import('node:net').AddressInfo} */ (this.server.address()).port));
    });
    return this.listening;
  }

  /** A line for one lesson server: its URL goes in the server's SESSION_LAB_PROBE. @param {Handlers} handlers @returns {Promise<Line>} */
  async open(handlers) {
    const port = await this.port();
    const id = String(++this.nextId);
    /** @type {{ handlers: Handlers, res: import('node:http').ServerResponse | null, closed: boolean }} */
    const entry = { handlers, res: null, closed: false };
    this.lines.set(id, entry);
    const lines = this.lines;
    return {
      url: `http://127.0.0.1:${port}/${this.secret}/${id}`,
      send(message) {
        if (!entry.res || entry.closed) return false;
        entry.res.write(`${JSON.stringify(message)}\n`);
        return true;
      },
      get open() {
        return entry.res !== null && !entry.closed;
      },
      close() {
        entry.closed = true;
        lines.delete(id);
        entry.res?.end();
      },
    };
  }

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
  accept(req, res) {
    const [, secret, id] = (req.url ?? '').split('/');
    const entry = secret === this.secret && id !== undefined ? this.lines.get(id) : undefined;
    if (req.method !== 'POST' || !entry || entry.res) {
      res.writeHead(404).end();
      return;
    }
    entry.res = res;
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.flushHeaders();
    req.setEncoding('utf8');
    let pending = '';
    req.on('data', (/** @type {string} */ chunk) => {
      pending += chunk;
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        let message;
        try {
          message = JSON.parse(line);
        } catch {
          continue;
        }
        entry.handlers.onMessage(message);
      }
    });
    const closed = () => {
      if (entry.closed) return;
      entry.closed = true;
      entry.handlers.onClose();
    };
    req.on('close', closed);
    res.on('close', closed);
  }

  dispose() {
    for (const entry of this.lines.values()) entry.res?.end();
    this.lines.clear();
    this.server.closeAllConnections?.();
    this.server.close();
  }
}
