// The host protocol (lab/inside/host.mjs): frames on its stdout, commands on its stdin, replies.
// The prose — why a host, framing, ordering, lifetime — is in lab/README.md ("Why a host
// process"); the shapes are here, once. site/runtime reads and sends them; lab/inside writes and
// reads them, typed through JSDoc imports of this module.
import type { Check, CheckResult } from './checks.ts';
import type { ProbeEvent, VerifyResult } from './probe.ts';
import type { BrowserId, JarCookie, RequestResult } from './requests.ts';

/** The ASCII record separator that starts every frame line (`\x1e` + JSON + `\n`). */
export const FRAME_START = '\x1e';
/** The protocol version the host says hello with. */
export const HOST_PROTOCOL_VERSION = 1;
/** The server a command names when it names none. */
export const DEFAULT_INSTANCE = 'main';

/** A lesson server of the workspace, by name (`main`, or a check's `second`…). */
export type Instance = string;
export type OutputStream = 'stdout' | 'stderr';

// ─── Frames (host → runtime) ─────────────────────────────────────────────────────────────────

export interface HelloFrame {
  t: 'hello';
  version: string | number;
  pid: number;
}
/** Output of a lesson server, for the terminal (at most 256 K characters a second per instance). */
export interface OutFrame {
  t: 'out';
  instance: Instance;
  stream: OutputStream;
  data: string;
}
export interface EventFrame {
  t: 'event';
  instance: Instance;
  event: ProbeEvent;
}
export interface ExitFrame {
  t: 'exit';
  instance: Instance;
  code: number | null;
  signal: string | null;
  /** The run that ended (the pid its start's reply gave). */
  pid?: number;
  /** The host stopped it (stop, restart, shutdown): it did not crash. */
  requested?: boolean;
}

/** Each notice the learner is told of, with its data. */
export interface NoticeData {
  /** Output dropped beyond the budget (once per flood). */
  outputTruncated: undefined;
  portInUse: { port: number };
  spawnFailed: { message: string };
  /** No heartbeat since `since` (ms since the epoch), for `ms`: the event loop is blocked. */
  busy: { since: number; ms: number };
  /** It turns again, after `ms` busy. */
  unblocked: { ms: number };
}
export type NoticeKey = keyof NoticeData;
export const NOTICE_KEYS = ['outputTruncated', 'portInUse', 'spawnFailed', 'busy', 'unblocked'] as const satisfies readonly NoticeKey[];
/** A notice as its key and data travel together (narrow on `key` to type `data`). */
export type Notice = { [K in NoticeKey]: { key: K; data?: NoticeData[K] } }[NoticeKey];
export type NoticeFrame = { t: 'notice'; instance: Instance } & Notice;

export const HOST_ERROR_KEYS = ['badCommand', 'badEntry', 'badBrowser', 'notRunning', 'notListening', 'timeout', 'exited', 'failed'] as const;
/** Why the host refused or failed a command (`notListening`: running, but no `listening` in time). */
export type HostErrorKey = (typeof HOST_ERROR_KEYS)[number];
export interface HostErrorInfo {
  /** One of HOST_ERROR_KEYS from this host (what lab/inside raises); a reader keeps any other as it came. */
  key: HostErrorKey | (string & {});
  message: string;
}
export interface ReplyFrame {
  t: 'reply';
  /** The command's id; null for a line that was not JSON. */
  id: number | string | null;
  ok: boolean;
  result?: unknown;
  error?: HostErrorInfo;
}

/** Node features the host's self-test tries (lab/inside/self-test.mjs), each bounded to 5 s. */
export const HOST_FEATURES = ['ipc', 'preload', 'asyncContext'] as const;
export type HostFeature = (typeof HOST_FEATURES)[number];
export type HostFeatures = Record<HostFeature, boolean>;
/** How probe events reach the host: the IPC channel, or localhost HTTP (`--portable`). */
export type ProbeTransport = 'ipc' | 'http';
/** Once, soon after `hello`: what the self-test found and how the host works with it. */
export interface FeaturesFrame {
  t: 'features';
  transport: ProbeTransport;
  /** Whether the warm standby is on. */
  standby: boolean;
  features: HostFeatures;
}
/** What a features frame tells (the frame without its `t`). */
export type HostFeatureReport = Omit<FeaturesFrame, 't'>;

export type HostFrame = HelloFrame | OutFrame | EventFrame | ExitFrame | NoticeFrame | ReplyFrame | FeaturesFrame;
export type FrameType = HostFrame['t'];

// ─── Commands (runtime → host) ───────────────────────────────────────────────────────────────

export interface StartParams {
  instance?: Instance;
  /** Relative to the workspace (default `server.js`). */
  entry?: string;
  env?: Readonly<Record<string, string>>;
}
export interface StartResult {
  instance: Instance;
  port: number;
  /** Absent when Node gave the process none (it could not be spawned: a `spawnFailed` notice says why). */
  pid?: number;
  /** It ran in the warm standby process (lab/README.md, "The warm standby"). */
  warm?: boolean;
}
export interface StopResult {
  instance: Instance;
  code: number | null;
  signal: string | null;
}
export interface RequestParams {
  instance?: Instance;
  browser: BrowserId;
  method: string;
  path: string;
  form?: Readonly<Record<string, string>>;
  follow?: boolean;
  /** Default 5000. */
  timeoutMs?: number;
}

/** Every command: its parameters and the `result` of its reply. */
export interface CommandMap {
  start: { params: StartParams; result: StartResult };
  stop: { params: { instance?: Instance }; result: StopResult };
  restart: { params: { instance?: Instance; entry?: string; env?: Readonly<Record<string, string>> }; result: StartResult };
  request: { params: RequestParams; result: RequestResult };
  jar: { params: { browser: BrowserId }; result: JarCookie[] };
  setCookie: { params: { browser: BrowserId; name: string; value: string }; result: JarCookie[] };
  clearJar: { params: { browser?: BrowserId }; result: Record<string, never> };
  check: { params: { checks: readonly Check[]; instance?: Instance }; result: CheckResult[] };
  verify: { params: { instance?: Instance; value: string }; result: VerifyResult };
}
export type Op = keyof CommandMap;
export type Command<O extends Op = Op> = { id: number | string; op: O } & CommandMap[O]['params'];

/** Start, stop and restart change which server runs: they run one at a time, in order. */
export const LIFECYCLE_OPS: ReadonlySet<Op> = new Set<Op>(['start', 'stop', 'restart']);
