// Gives the browser its turn between pieces of work: the workbench mounts in several short tasks
// instead of one long one, so a click or a keypress while it starts is answered at once (and
// Lighthouse's Total Blocking Time stays low). `scheduler.yield` keeps our place in the queue
// where it exists; elsewhere a macrotask does the same job.
interface YieldingScheduler {
  yield(): Promise<void>;
}

export function nextTask(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: Partial<YieldingScheduler> }).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}
