// The host process protocol (lab/README.md, "Why a host process"), as types. The host
// (lab/inside/host.mjs) writes frames on stdout; the runtime writes commands on its stdin.
import type { Check } from '../../lab/lessons/schema.ts';

/** The ASCII record separator that starts every frame line. */
export const FRAME_START = '\x1e';

export type Instance = string;
export type OutputStream = 'stdout' | 'stderr';
/** The request client's named browsers (each with its cookie jar); `none` sends no cookies. */
export type BrowserId = 'A' | 'B' | 'none';

// ─── Probe events (inside `event` frames; discriminated by `type`) ────────────────────────────

export interface ListeningEvent {
  readonly type: 'listening';
  readonly port: number;
}
export interface RequestEvent {
  readonly type: 'request';
  readonly requestId: string;
  readonly browser: string;
  readonly method: string;
  readonly path: string;
  /** The request's `Cookie` header, when it had one. */
  readonly cookie: string | null;
}
export interface ResponseEvent {
  readonly type: 'response';
  readonly requestId: string;
  readonly status: number;
  readonly setCookie: string[];
  readonly sessionId: string | null;
  readonly location?: string;
}
export interface StoreEvent {
  readonly type: 'store';
  readonly requestId?: string;
  readonly op: string;
  readonly sessionId: string | null;
  /** The store's full contents after the operation. */
  readonly sessions: Readonly<Record<string, unknown>>;
}
export interface ServerErrorEvent {
  readonly type: 'error';
  readonly kind: string;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly stack: string;
  /** `kind` `outOfMemory`: the heap bound it reached, in MB (when the runtime sets one). */
  readonly limitMb?: number;
}
export type ProbeEvent = ListeningEvent | RequestEvent | ResponseEvent | StoreEvent | ServerErrorEvent;
export type ProbeEventType = ProbeEvent['type'];

// ─── Frames (host → runtime) ─────────────────────────────────────────────────────────────────

export interface HelloFrame {
  readonly t: 'hello';
  readonly version: string | number;
  readonly pid: number;
}
export interface OutFrame {
  readonly t: 'out';
  readonly instance: Instance;
  readonly stream: OutputStream;
  readonly data: string;
}
export interface EventFrame {
  readonly t: 'event';
  readonly instance: Instance;
  readonly event: ProbeEvent;
}
export interface ExitFrame {
  readonly t: 'exit';
  readonly instance: Instance;
  readonly code: number | null;
  readonly signal: string | null;
  /** The run that ended (the pid a start/restart reply gave). */
  readonly pid?: number;
  /** It ended because a stop/restart asked it to. */
  readonly requested?: boolean;
}
export interface NoticeFrame {
  readonly t: 'notice';
  readonly instance: Instance;
  /** A message key (`outputTruncated`, `portInUse`, …). */
  readonly key: string;
  readonly data?: unknown;
}
export interface HostErrorInfo {
  readonly key: string;
  readonly message: string;
}
export interface ReplyFrame {
  readonly t: 'reply';
  readonly id: number;
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: HostErrorInfo;
}
/** Node features the host's self-test found (lab/inside/self-test.mjs). */
export const HOST_FEATURES = ['ipc', 'preload', 'asyncContext'] as const;
export type HostFeature = (typeof HOST_FEATURES)[number];
export interface FeaturesFrame {
  readonly t: 'features';
  /** How probe events reach the host: the IPC channel, or localhost HTTP (`--portable`). */
  readonly transport: 'ipc' | 'http';
  /** Whether the warm standby is on. */
  readonly standby: boolean;
  readonly features: Readonly<Record<HostFeature, boolean>>;
}
export type HostFrame = HelloFrame | OutFrame | EventFrame | ExitFrame | NoticeFrame | ReplyFrame | FeaturesFrame;
export type FrameType = HostFrame['t'];

// ─── Commands (runtime → host) ───────────────────────────────────────────────────────────────

export interface StartParams {
  readonly instance?: Instance;
  readonly entry?: string;
  readonly env?: Readonly<Record<string, string>>;
}
export interface StartResult {
  readonly instance: Instance;
  readonly port: number;
  readonly pid: number;
}
export interface StopResult {
  readonly instance: Instance;
  readonly code: number | null;
  readonly signal: string | null;
}
export interface RequestParams {
  readonly instance?: Instance;
  readonly browser: BrowserId;
  readonly method: string;
  readonly path: string;
  readonly form?: Readonly<Record<string, string>>;
  readonly follow?: boolean;
  readonly timeoutMs?: number;
}
// The request client's results (mirrors lab/inside/client.mjs's typedefs).
export interface PlainCookie {
  readonly name: string;
  readonly value: string;
  readonly domain: string | null;
  readonly path: string | null;
  readonly expires: string | null;
  readonly httpOnly: boolean;
  readonly secure: boolean;
  readonly sameSite: string | null;
}
/** A cookie in a browser's jar. */
export type JarCookie = PlainCookie;
export interface HopRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: readonly (readonly [string, string])[];
}
export interface HopResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
  readonly truncated: boolean;
}
/** One request and its response (a redirect followed gives several hops). */
export interface Hop {
  readonly requestId: string;
  readonly request: HopRequest;
  readonly response: HopResponse | null;
  readonly ms: number;
}
export interface RequestFailure {
  /** `busy`: no answer because the server's event loop is blocked (an endless loop), for `ms`. */
  readonly key: 'timeout' | 'refused' | 'reset' | 'tooManyRedirects' | 'failed' | 'busy';
  readonly message: string;
  readonly ms?: number;
}
export interface RequestResult {
  readonly hops: readonly Hop[];
  /** The browser's jar after the request. */
  readonly jar: readonly JarCookie[];
  readonly error?: RequestFailure;
}
/** Why a check failed (mirrors lab/inside/checks.mjs). */
export interface CheckFailureDetail {
  readonly step: number;
  /** `instance`: the request went to a server a `start` step of the scenario started. */
  readonly request?: { readonly browser: string; readonly method: string; readonly path: string; readonly instance?: string };
  readonly expected: Readonly<Record<string, unknown>>;
  readonly actual: Readonly<Record<string, unknown>>;
}
export interface CheckResult {
  readonly id: string;
  readonly passed: boolean;
  /** A message key of the lesson. */
  readonly message: string;
  readonly hint?: string;
  readonly detail: CheckFailureDetail | null;
}
export interface VerifyResult {
  readonly signature: 'valid' | 'invalid' | 'unknown';
  readonly sessionId?: string;
}

/** Every command: its parameters and the `result` of its reply. */
export interface CommandMap {
  start: { params: StartParams; result: StartResult };
  stop: { params: { readonly instance?: Instance }; result: StopResult };
  restart: { params: { readonly instance?: Instance }; result: StartResult };
  request: { params: RequestParams; result: RequestResult };
  jar: { params: { readonly browser: BrowserId }; result: JarCookie[] };
  setCookie: { params: { readonly browser: BrowserId; readonly name: string; readonly value: string }; result: JarCookie[] };
  clearJar: { params: { readonly browser?: BrowserId }; result: Record<string, never> };
  check: { params: { readonly checks: readonly Check[]; readonly instance?: Instance }; result: CheckResult[] };
  verify: { params: { readonly instance?: Instance; readonly value: string }; result: VerifyResult };
}
export type Op = keyof CommandMap;
export type Command<O extends Op = Op> = { readonly id: number; readonly op: O } & CommandMap[O]['params'];

/** Start, stop and restart change which server runs: they run one at a time, in order. */
export const LIFECYCLE_OPS: ReadonlySet<Op> = new Set<Op>(['start', 'stop', 'restart']);
