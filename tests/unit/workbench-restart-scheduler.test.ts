import { describe, expect, it, vi } from 'vitest';
import { createRestartScheduler } from '../../site/workbench/restart-scheduler.ts';

describe('restart after an edit', () => {
  it('waits for a pause, and restarts once for a burst of edits', () => {
    vi.useFakeTimers();
    const restart = vi.fn();
    const s = createRestartScheduler({ restart, pauseMs: 900, midWordPauseMs: 2500 });
    s.edited(';');
    vi.advanceTimersByTime(500);
    s.edited(' ');
    vi.advanceTimersByTime(899);
    expect(restart).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(restart).toHaveBeenCalledTimes(1);
    vi.useRealTimers();
  });

  it('gives a half-typed word more time', () => {
    vi.useFakeTimers();
    const restart = vi.fn();
    const s = createRestartScheduler({ restart, pauseMs: 900, midWordPauseMs: 2500 });
    s.edited('sess');
    vi.advanceTimersByTime(2000);
    expect(restart).not.toHaveBeenCalled();
    s.edited(')');
    vi.advanceTimersByTime(900);
    expect(restart).toHaveBeenCalledTimes(1);
    vi.useRealTimers();
  });

  it('cancel drops a pending restart (an explicit Run came first)', () => {
    vi.useFakeTimers();
    const restart = vi.fn();
    const s = createRestartScheduler({ restart });
    s.edited(';');
    s.cancel();
    vi.advanceTimersByTime(10_000);
    expect(restart).not.toHaveBeenCalled();
    vi.useRealTimers();
  });
});
