// When to restart the server after an edit: once typing pauses, and never while the last thing
// typed is half a word (the learner is still typing it; a restart now would just show an error).
export interface RestartScheduler {
  /** Call after every edit with the text it inserted ('' for a deletion). */
  edited(inserted: string): void;
  cancel(): void;
}

export interface RestartSchedulerOptions {
  restart: () => Promise<void> | void;
  /** Quiet time after the last edit (ms). */
  pauseMs?: number;
  /** Longer quiet time when the text ends mid-word (ms). */
  midWordPauseMs?: number;
  timers?: { set: (fn: () => void, ms: number) => unknown; clear: (id: unknown) => void };
}

const MID_WORD = /[\p{L}\p{N}_$]$/u;

export function createRestartScheduler(options: RestartSchedulerOptions): RestartScheduler {
  const pauseMs = options.pauseMs ?? 900;
  const midWordPauseMs = options.midWordPauseMs ?? 2500;
  const timers = options.timers ?? { set: (fn, ms) => setTimeout(fn, ms), clear: (id) => clearTimeout(id as ReturnType<typeof setTimeout>) };
  let pending: unknown;
  const cancel = () => {
    if (pending !== undefined) timers.clear(pending);
    pending = undefined;
  };
  return {
    edited(inserted) {
      cancel();
      pending = timers.set(() => {
        pending = undefined;
        void options.restart();
      }, MID_WORD.test(inserted) ? midWordPauseMs : pauseMs);
    },
    cancel,
  };
}
