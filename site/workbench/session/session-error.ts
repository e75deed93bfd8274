// Every failure the session meets, as a message key (`runtime.error.*`) and its values: what the
// panels show, in the learner's language.
import { HostCommandError } from '../../runtime/host-client.ts';
import { isRuntimeError, type RuntimeErrorKey } from '../../runtime/types.ts';
import type { HostErrorKey } from '../../../lab/protocol/host.ts';
import type { SessionError } from './session-types.ts';

/** The host's error keys as the learner's sentences; every key of the protocol has one (a new
 * key does not compile until it is placed). A key from a newer host reads as `internal`. */
const HOST_KEYS = {
  badEntry: 'runtime.error.fileMissing',
  notRunning: 'runtime.error.serverStopped',
  notListening: 'runtime.error.serverTimeout',
  exited: 'runtime.error.serverCrashed',
  timeout: 'runtime.error.commandTimeout',
  badCommand: 'runtime.error.internal',
  badBrowser: 'runtime.error.internal',
  failed: 'runtime.error.internal',
} as const satisfies Record<HostErrorKey, RuntimeErrorKey>;

/** The message key and values for any failure. */
export function sessionError(error: unknown, context: { entry?: string } = {}): SessionError {
  if (isRuntimeError(error)) return { key: error.key, detail: error.detail };
  if (error instanceof HostCommandError) {
    const key = Object.hasOwn(HOST_KEYS, error.key) ? HOST_KEYS[error.key as HostErrorKey] : 'runtime.error.internal';
    return { key, detail: { op: error.op, hostKey: error.key, ...(context.entry === undefined ? {} : { path: context.entry }) } };
  }
  return { key: 'runtime.error.unknown' };
}

/** Failures of the learner's server (fix the code, restart): phase crashed, not failed. */
const SERVER_FAULTS: ReadonlySet<string> = new Set([
  'runtime.error.serverCrashed',
  'runtime.error.serverStopped',
  'runtime.error.serverTimeout',
  'runtime.error.fileMissing',
]);

export const isServerFault = (error: SessionError) => SERVER_FAULTS.has(error.key);
