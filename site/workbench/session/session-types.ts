// What the lesson session promises the panels: its state, its events, its operations, and what it
// needs from the page (deps). The behaviour lives in session.ts.
import { DEFAULT_WEBCONTAINER_TIMEOUT_MS, type Reason, type RuntimePreference } from '../../runtime/choose.ts';
import type { HostClient, HostClientOptions } from '../../runtime/host-client.ts';
import type { LocalRuntimeOptions, WebSocketFactory } from '../../runtime/local.ts';
import type { FeaturesFrame, Instance, OutputStream } from '../../../lab/protocol/host.ts';
import type { ProbeEvent, ServerErrorEvent } from '../../../lab/protocol/probe.ts';
import type { BootStep, Runtime, RuntimeKind, Unsubscribe } from '../../runtime/types.ts';
import type { WebContainerBootOptions, WebContainerClass } from '../../runtime/webcontainer.ts';
import type { LessonPayload } from '../lesson-data.ts';

export type { RuntimePreference } from '../../runtime/choose.ts';

import type { Files } from './files.ts';

export type { Files };

/** The files open() mounts. A reader: the one copy is kept elsewhere (the workbench's edit store)
 * and read at each mount, so the session holds no text of its own. A plain object: the session
 * keeps a copy, and write() updates it (callers without an edit store: the self-check, tests). */
export type LessonFiles = Files | (() => Files);

/** `suspended`: the local runner stopped this tab's server to make room for another tab; the
 * files are kept here, and resume() starts it again. `busy`: the server lives but its event loop
 * is blocked (an endless loop?): see `busy`. */
export type SessionPhase = 'idle' | 'booting' | 'starting' | 'running' | 'busy' | 'stopped' | 'crashed' | 'failed' | 'readonly' | 'suspended';
export type StepStatus = 'pending' | 'active' | 'done' | 'failed';

export interface StepState {
  readonly step: BootStep;
  /** 0…1 */
  readonly progress: number;
  readonly status: StepStatus;
}

/** The probe's `error` event (lab/README.md, "Probe events"): where the learner's code failed. */
export type ProbeErrorEvent = ServerErrorEvent & {
  readonly port?: number;
  readonly fromOutput?: boolean;
};

/** A failure to show: `key` is a message key (`runtime.error.*`), `detail` its interpolation values. */
export interface SessionError {
  readonly key: string;
  readonly detail?: Readonly<Record<string, string | number | boolean | null>>;
}

export interface SessionState {
  readonly phase: SessionPhase;
  /** The runtime in use, or being booted. */
  readonly runtime: RuntimeKind | null;
  readonly steps: readonly StepState[];
  readonly error?: SessionError;
  /** The port the lesson server listens on (phase running; kept while busy). */
  readonly port?: number;
  /** Phase busy: the server lives but its event loop has been blocked (an endless loop?) since
   * `since` (ms since the epoch, this page's clock). */
  readonly busy?: { readonly since: number };
  /** The last syntax error / crash / port in use of the lesson server, with file and line. */
  readonly lastError?: ProbeErrorEvent;
  /** The preference in effect (settings, or the last retry's). */
  readonly preference: RuntimePreference;
  /** Why no runtime runs (phase readonly, or failed after every runtime was tried): messages. */
  readonly reasons?: readonly Reason[];
  /** The runtime wanted first failed and another one runs (`runtime`): which, and why. Until the next boot. */
  readonly fallback?: { readonly from: RuntimeKind; readonly error: SessionError };
  /** This boot resumes a suspended tab (the boot panel says so). Until the next boot. */
  readonly resumed?: true;
  /** What the host's self-test found in this runtime (features missing: the boot panel says why). */
  readonly hostFeatures?: Omit<FeaturesFrame, 't'>;
}

/** What happened to the lesson server, for the terminal and the preview. */
export type ServerEvent =
  | { readonly type: 'starting'; readonly reason: StartReason }
  | { readonly type: 'listening'; readonly port: number; readonly reason: StartReason }
  | { readonly type: 'exit'; readonly code: number | null; readonly signal: string | null; readonly requested: boolean }
  | { readonly type: 'stopped' }
  | { readonly type: 'notice'; readonly key: string; readonly data: unknown }
  | { readonly type: 'error'; readonly error: ProbeErrorEvent };
/** Why a server (re)starts: the first start after a boot, a lesson switch, or a restart. */
export type StartReason = 'boot' | 'open' | 'restart';

export interface LessonSession {
  state(): SessionState;
  onState(listener: (state: SessionState) => void): Unsubscribe;
  host(): HostClient | null;
  runtime(): Runtime | null;
  /** First call: choose the runtime, boot it, mount the files, start the server and wait for it to
   * listen. Later calls (a lesson switch): mount the new files and restart — never a re-boot.
   * Resolves once the state says how it went (running, crashed, failed, readonly). */
  open(payload: LessonPayload, files: LessonFiles): Promise<void>;
  /** Writes one file to the runtime, after the writes before it (the session is the one that
   * orders them) and after a mount in flight; a copy given to open() is updated too, so a later
   * mount keeps the edit. Never rejects: a runtime that cannot take the write puts the session
   * in `failed` (retry re-mounts). */
  write(path: string, text: string): Promise<void>;
  /** Restarts the server with the files written before it (it waits for those writes). */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** The URL of the running server's preview; rejects (`serverStopped`) when none runs. */
  previewUrl(): Promise<string>;
  /** After the runner suspended this tab (phase `suspended`): boot anew with the files kept here,
   * saying so in the boot steps. Does nothing in any other phase. */
  resume(): Promise<void>;
  /** After a failure, or to switch runtime: with a live runtime that fits the preference, the
   * server is restarted (a dead host is replaced); otherwise the runtime is dropped and booted again. */
  retry(preference?: RuntimePreference): Promise<void>;
  /** How many times a runtime was booted. */
  bootCount(): number;
  /** Lesson server output (for the terminal), whatever host is current. */
  onOutput(listener: (data: string, stream: OutputStream, instance: Instance) => void): Unsubscribe;
  /** The main lesson server's lifecycle, notices and errors. */
  onServer(listener: (event: ServerEvent) => void): Unsubscribe;
  /** Every probe event of every instance (inspector, preview cookie hint). */
  onProbe(listener: (event: ProbeEvent, instance: Instance) => void): Unsubscribe;
  dispose(): Promise<void>;
}

export interface SessionTimeouts {
  /** Asking the local runner for its token (auto: is this page served by `npm start`?). */
  readonly probeMs: number;
  /** One attempt at the local runtime (choose.ts's bound). */
  readonly localMs: number;
  /** One attempt at a WebContainer (choose.ts's outer bound). */
  readonly webcontainerMs: number;
  /** The host's hello. */
  readonly helloMs: number;
  /** From the start command to the probe's `listening`. */
  readonly listenMs: number;
}

export const DEFAULT_SESSION_TIMEOUTS: SessionTimeouts = {
  probeMs: 2_000,
  localMs: 10_000,
  webcontainerMs: DEFAULT_WEBCONTAINER_TIMEOUT_MS,
  helloMs: 15_000,
  listenMs: 15_000,
};

export interface LessonSessionDeps {
  readonly preference: () => RuntimePreference;
  /** lab/inside's scripts, file name → text (see lab-files.ts). */
  readonly labFiles: () => Promise<Record<string, string>>;
  /** Where the dependency snapshot is served. */
  readonly snapshotUrl: string;
  /** The WebContainer class, loaded when first needed (default: `import('@webcontainer/api')`). */
  readonly WebContainer?: () => Promise<WebContainerClass>;
  readonly fetch?: typeof fetch;
  readonly WebSocket?: WebSocketFactory;
  /** Default: `globalThis.crossOriginIsolated === true`. */
  readonly isolated?: () => boolean;
  readonly timeouts?: Partial<SessionTimeouts>;
  // Seams (tests, other hosts); the defaults are the runtime layer's own functions.
  /** Resolves the local runner's token, or rejects (a RuntimeError) when none answers. */
  readonly probeRunner?: (signal: AbortSignal) => Promise<string>;
  readonly createLocal?: (options: LocalRuntimeOptions) => Promise<Runtime>;
  readonly createWebContainer?: (options: WebContainerBootOptions) => Promise<Runtime>;
  readonly startHost?: (runtime: Runtime, options: HostClientOptions) => Promise<HostClient>;
}
