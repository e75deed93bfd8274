// The one WebContainer of this window. A module's state lives as long as its document, and
// client-side navigation keeps the document: every workbench the window shows (a new one after
// the course outline and back) and the self-check boot through this booter, so
// `WebContainer.boot()` runs once per window, as the package requires ("Only a single
// WebContainer instance can be booted"). A session that goes away hands the WebContainer back
// (its runtime disposed: processes killed, the WebContainer kept); the next boot waits for that.
import type { Runtime } from '../../runtime/types.ts';
import type { WebContainerBootOptions } from '../../runtime/webcontainer.ts';
import { webContainerBooter } from './boot-runtime.ts';

const isolated = () => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
let booter: ((options: WebContainerBootOptions) => Promise<Runtime>) | null = null;
let handedBack: Promise<unknown> = Promise.resolve();

/** Boots (the first time) or takes over (later) this window's WebContainer. */
export async function bootWindowWebContainer(options: WebContainerBootOptions): Promise<Runtime> {
  await handedBack;
  booter ??= webContainerBooter({}, isolated);
  return booter(options);
}

/** A session that may hold the WebContainer is being disposed: later boots wait for it. */
export function handBackWebContainer(disposing: Promise<unknown>): void {
  const before = handedBack;
  handedBack = Promise.all([before, disposing.catch(() => {})]);
}
