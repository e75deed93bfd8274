// Commands to the host and their replies: each command is a JSON line with an id, the reply with
// that id settles it, and one whose reply does not come within its budget is rejected
// (`commandTimeout`). Start, stop and restart change which server runs, so they go one at a time,
// in order; the host itself also runs them in order (lab/README.md, "Commands").
import { encodeCommand } from '../../lab/protocol/frames.ts';
import { LIFECYCLE_OPS, type Command, type CommandMap, type Op, type ReplyFrame } from '../../lab/protocol/host.ts';
import { RuntimeError } from './types.ts';

/** The host answered a command with `ok: false`. `key` is the host's message key. */
export class HostCommandError extends Error {
  readonly op: Op;
  readonly key: string;
  constructor(op: Op, key: string, message: string) {
    super(`${op}: ${key}${message ? ` (${message})` : ''}`);
    this.name = 'HostCommandError';
    this.op = op;
    this.key = key;
  }
}

interface Pending {
  readonly op: Op;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/** The commands sent and not answered yet, by id. */
export class CommandLine {
  readonly #pending = new Map<number, Pending>();
  readonly #write: (text: string) => Promise<void>;
  readonly #closed: () => boolean;
  #nextId = 0;

  /** `write`: the host's standard input; `closed`: whether the host is gone (or being closed). */
  constructor(write: (text: string) => Promise<void>, closed: () => boolean) {
    this.#write = write;
    this.#closed = closed;
  }

  send<O extends Op>(op: O, params: CommandMap[O]['params'], budget: number): Promise<CommandMap[O]['result']> {
    if (this.#closed()) return Promise.reject(new RuntimeError('runtime.error.hostExited'));
    const id = ++this.#nextId;
    const command = { ...params, id, op } as Command<O>;
    return new Promise<CommandMap[O]['result']>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new RuntimeError('runtime.error.commandTimeout', { detail: { op, seconds: budget / 1000 } }));
      }, budget);
      this.#pending.set(id, { op, resolve: resolve as (value: unknown) => void, reject, timer });
      this.#write(encodeCommand(command)).catch((error: unknown) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        reject(new RuntimeError('runtime.error.hostExited', { cause: error }));
      });
    });
  }

  /** Settles the command the reply answers (none: it timed out already, or it is not ours). */
  reply(frame: ReplyFrame): void {
    if (typeof frame.id !== 'number') return; // our commands' ids are numbers
    const entry = this.#pending.get(frame.id);
    if (!entry) return;
    this.#pending.delete(frame.id);
    clearTimeout(entry.timer);
    if (frame.ok) entry.resolve(frame.result);
    else entry.reject(new HostCommandError(entry.op, frame.error?.key ?? 'unknown', frame.error?.message ?? ''));
  }

  /** Every command still waiting fails with its own `error()`. */
  rejectAll(error: () => Error): void {
    for (const [id, entry] of this.#pending) {
      clearTimeout(entry.timer);
      this.#pending.delete(id);
      entry.reject(error());
    }
  }
}

/** Runs lifecycle commands one after another; the others wait for the lifecycle commands sent
 * before them (a request after a restart reaches the new server) and overlap each other. */
export function createLifecycleOrder(): <T>(op: Op, run: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (op, run) => {
    const result = tail.then(run);
    if (LIFECYCLE_OPS.has(op)) tail = result.catch(() => {});
    return result;
  };
}
