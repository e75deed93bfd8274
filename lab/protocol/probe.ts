// What the probe (lab/inside/probe.cjs) reports from inside a lesson server, and what it and the
// host say to each other over its line (IPC, or the localhost HTTP line of probe-link.cjs). The
// prose is in lab/README.md ("Probe events"); the shapes are here, once: the site reads them from
// `event` frames, and lab/inside's scripts take them through JSDoc imports (type-checked).
import type { StoreOp } from '../lessons/schema.ts';

export type { StoreOp };

/** Ms since the epoch. The probe stamps every event it sends; a reader without one uses its clock. */
interface Stamped {
  time?: number;
}

/** An http(s) server listens: readiness, never a match on output text. */
export interface ListeningEvent extends Stamped {
  type: 'listening';
  port: number;
  /** The address it listens on (`::`, `0.0.0.0`, `127.0.0.1`…). */
  address?: string;
}

/** A request reached the app (the correlation header already taken off). */
export interface RequestEvent extends Stamped {
  type: 'request';
  requestId: string;
  /** `A`, `B`, `none` (the request client), `preview` (no correlation header), `terminal` (the CLI). */
  browser: string;
  method: string;
  path: string;
  /** The request's `Cookie` header, or null. */
  cookie: string | null;
}

/** The response went (or the connection closed first: `aborted`). After the request's store events. */
export interface ResponseEvent extends Stamped {
  type: 'response';
  requestId: string;
  /** The same as the request's (the probe always sends it). */
  browser?: string;
  status: number;
  setCookie: string[];
  /** `req.sessionID` at the end of the request. */
  sessionId?: string | null;
  location?: string;
  aborted?: true;
}

/** A session store operation, answered; `sessions` is the store's full contents after it. */
export interface StoreEvent extends Stamped {
  type: 'store';
  requestId?: string;
  op: StoreOp;
  sessionId?: string | null;
  /** `regenerate`: the id it replaced. */
  previousSessionId?: string;
  /** `get`: whether the store had the session. */
  found?: boolean;
  /** The store's error, as text. */
  error?: string;
  sessions: Record<string, unknown>;
}

export const SERVER_ERROR_KINDS = ['syntax', 'uncaught', 'unhandledRejection', 'portInUse', 'outOfMemory'] as const;
export type ServerErrorKind = (typeof SERVER_ERROR_KINDS)[number];

/** The learner's server failed: where, when the stack or Node's output says. */
export interface ServerErrorEvent extends Stamped {
  type: 'error';
  kind: ServerErrorKind;
  message: string;
  /** Relative to the workspace. */
  file?: string;
  line?: number;
  column?: number;
  stack: string;
  /** `portInUse`: the port. */
  port?: number;
  /** `outOfMemory`: the heap bound it reached, in MB (when the runtime sets one). */
  limitMb?: number;
  /** The host read it from stderr because the probe could not report it. */
  fromOutput?: true;
}

/** The event loop turns (every 500 ms). The host reads these (busy.mjs) and never frames them. */
export interface HeartbeatEvent extends Stamped {
  type: 'heartbeat';
}

/** What the host frames (`event` frames): every probe event but the heartbeat. */
export type ProbeEvent = ListeningEvent | RequestEvent | ResponseEvent | StoreEvent | ServerErrorEvent;
export type ProbeEventType = ProbeEvent['type'];
/** What travels on the probe's line. */
export type ProbeLineEvent = ProbeEvent | HeartbeatEvent;

/** The correlation header the request client sends (`<browser>/<requestId>`); the probe removes it. */
export const CORRELATION_HEADER = 'x-session-lab';

/** A cookie value's signature, as the server's own secrets judge it (`unknown` until it used one). */
export interface VerifyResult {
  signature: 'valid' | 'invalid' | 'unknown';
  sessionId?: string;
}

/** Probe → host, on its line. */
export type ProbeMessage = { t: 'probe'; event: ProbeLineEvent } | ({ t: 'verified'; id: number } & VerifyResult);
/** Host → probe: check a cookie's signature; end the process (where signals are not assumed). */
export type HostToProbeMessage = { t: 'verify'; id: number; value: string } | { t: 'exit' };
/** Host → warm standby process (lab/inside/warm.cjs), and its one answer. */
export type StandbyMessage = { t: 'run'; entry: string; env: Record<string, string> } | { t: 'warm' };
