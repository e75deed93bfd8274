// The terminal: the lesson server's output in xterm.js (loaded when its tab is first shown, with
// its CSS — 80 KB gzipped that a learner reading the Session tab never needs), plus
// localized lines for what happened to the server (restarted, stopped, crashed) and the host's
// notices. The probe's events never come here: only output. Read-only unless `onInput` is given
// (the WebContainer shell).
import type { ITheme, Terminal } from '@xterm/xterm';
import type { FitAddon } from '@xterm/addon-fit';
import type { LessonSession, ServerEvent } from '../session/session-types.ts';
import { secondsIn } from '../session/session-text.ts';
import { el, type Translate } from './ui.ts';

export type TerminalTheme = 'light' | 'dark';

export interface TerminalDeps {
  readonly t: Translate;
  /** The colour scheme now (a value, or how to read it). */
  readonly theme: TerminalTheme | (() => TerminalTheme);
  /** When given, the terminal follows this session's output and server events by itself. */
  readonly session?: LessonSession;
  /** Default 5000 lines. */
  readonly scrollback?: number;
  /** Makes the terminal interactive: what the learner types goes here (a shell's stdin). */
  readonly onInput?: (data: string) => void;
  /** The screen's accessible name (default: the server output's). */
  readonly label?: string;
}

export interface TerminalPanel {
  /** Output as the server printed it (ANSI colours kept). */
  write(data: string): void;
  /** A line of ours (grey; `error`: red), on a line of its own. */
  notice(text: string, tone?: 'info' | 'error'): void;
  clear(): void;
  setTheme(theme: TerminalTheme): void;
  /** The whole buffer as text (what Copy copies). */
  text(): string;
  /** Resolves once xterm has loaded, which starts when the screen is first shown (writes before that are kept and replayed). */
  readonly ready: Promise<void>;
  dispose(): void;
}

const THEMES: Record<TerminalTheme, ITheme> = {
  dark: {
    background: '#0d1117',
    foreground: '#e6edf3',
    cursor: '#0d1117',
    selectionBackground: '#264f78',
    black: '#484f58',
    red: '#ff7b72',
    green: '#3fb950',
    yellow: '#d29922',
    blue: '#58a6ff',
    magenta: '#bc8cff',
    cyan: '#39c5cf',
    white: '#b1bac4',
    brightBlack: '#9198a1',
    brightRed: '#ffa198',
    brightGreen: '#56d364',
    brightYellow: '#e3b341',
    brightBlue: '#79c0ff',
    brightMagenta: '#d2a8ff',
    brightCyan: '#56d4dd',
    brightWhite: '#ffffff',
  },
  light: {
    background: '#ffffff',
    foreground: '#1b1f24',
    cursor: '#ffffff',
    selectionBackground: '#b6d6fd',
    black: '#24292f',
    red: '#cf222e',
    green: '#116329',
    yellow: '#7d4e00',
    blue: '#0550ae',
    magenta: '#8250df',
    cyan: '#1b7c83',
    white: '#6e7781',
    brightBlack: '#57606a',
    brightRed: '#a40e26',
    brightGreen: '#1a7f37',
    brightYellow: '#633c01',
    brightBlue: '#0969da',
    brightMagenta: '#8250df',
    brightCyan: '#1b7c83',
    brightWhite: '#8c959f',
  },
};

/** Output kept while xterm loads (characters); older output is dropped first. */
const PENDING_LIMIT = 1_000_000;

export function mountTerminal(container: HTMLElement, deps: TerminalDeps): TerminalPanel {
  const { t } = deps;
  const themeNow = () => (typeof deps.theme === 'function' ? deps.theme() : deps.theme);

  const clearButton = el('button', { type: 'button', 'data-action': 'terminal-clear' }, t('run.terminal.clear'));
  const copyButton = el('button', { type: 'button', 'data-action': 'terminal-copy' }, t('run.terminal.copy'));
  const said = el('span', { class: 'run-terminal-said', role: 'status' });
  const toolbar = el('div', { class: 'run-terminal-toolbar', role: 'toolbar', 'aria-label': t('run.terminal.toolbar') }, clearButton, copyButton, said);
  const screen = el('div', { class: 'run-terminal-screen', 'aria-label': deps.label ?? t('run.terminal.label'), role: 'region' });
  const loading = el('p', { class: 'run-terminal-loading' }, t('run.terminal.loading'));
  const root = el('div', { class: 'run-terminal' }, toolbar, screen, loading);
  container.replaceChildren(root);

  let term: Terminal | null = null;
  let fit: FitAddon | null = null;
  let opened = false;
  let disposed = false;
  let atLineStart = true;
  let pending: string[] = [];
  let pendingSize = 0;
  const unsubscribe: (() => void)[] = [];

  const put = (data: string) => {
    if (data === '') return;
    atLineStart = data.endsWith('\n');
    if (term) {
      term.write(data);
      return;
    }
    pending.push(data);
    pendingSize += data.length;
    while (pendingSize > PENDING_LIMIT && pending.length > 1) pendingSize -= pending.shift()!.length;
  };

  const tryOpen = () => {
    if (!term || opened || disposed) return;
    // Opened only once the screen has a size: xterm measures its cells on open (a hidden tab has none).
    if (screen.clientWidth === 0 || screen.clientHeight === 0) return;
    term.open(screen);
    opened = true;
    loading.remove();
    fitNow();
  };
  const fitNow = () => {
    if (!fit || !opened || screen.clientWidth === 0 || screen.clientHeight === 0) return;
    try {
      fit.fit();
    } catch {
      // not measurable yet: the next resize fits
    }
  };
  // The screen gets a size when its tab is shown: that is when xterm is fetched and opened.
  let startLoading: () => void = () => {};
  const shown = new Promise<void>((resolve) => (startLoading = resolve));
  const resizes =
    typeof ResizeObserver === 'function'
      ? new ResizeObserver(() => {
          if (screen.clientWidth === 0 || screen.clientHeight === 0) return;
          startLoading();
          if (opened) fitNow();
          else tryOpen();
        })
      : null;
  resizes?.observe(screen);
  if (!resizes) startLoading();

  const ready = (async () => {
    await shown;
    if (disposed) return;
    // The stylesheet comes as text and goes into a <style> of ours: Astro drops the CSS file of a
    // lazily imported chunk from the build (withastro/astro#9495), which broke xterm's styles.
    const [{ Terminal }, { FitAddon }, { default: css }] = await Promise.all([
      import('@xterm/xterm'),
      import('@xterm/addon-fit'),
      import('@xterm/xterm/css/xterm.css?inline'),
    ]);
    if (!document.getElementById('session-lab-xterm-css')) {
      const style = document.createElement('style');
      style.id = 'session-lab-xterm-css';
      style.textContent = css;
      document.head.append(style);
    }
    if (disposed) return;
    const fontFamily = getComputedStyle(container).getPropertyValue('--mono').trim() || 'monospace';
    term = new Terminal({
      convertEol: true,
      scrollback: deps.scrollback ?? 5_000,
      disableStdin: !deps.onInput,
      cursorBlink: Boolean(deps.onInput),
      cursorInactiveStyle: 'none',
      fontFamily,
      fontSize: 13,
      theme: THEMES[themeNow()],
    });
    fit = new FitAddon();
    term.loadAddon(fit);
    if (deps.onInput) term.onData(deps.onInput);
    const backlog = pending.join('');
    pending = [];
    pendingSize = 0;
    if (backlog) term.write(backlog);
    tryOpen();
    if (!resizes) {
      // No ResizeObserver: open now, fit on window resizes.
      if (!opened) {
        term.open(screen);
        opened = true;
        loading.remove();
      }
      const onResize = () => fitNow();
      globalThis.addEventListener?.('resize', onResize);
      unsubscribe.push(() => globalThis.removeEventListener?.('resize', onResize));
      fitNow();
    }
  })();
  ready.catch((error: unknown) => {
    loading.textContent = t('run.terminal.loadFailed');
    console.error(error);
  });

  const text = (): string => {
    if (!term) return pending.join('');
    const buffer = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) {
      const line = buffer.getLine(i);
      if (!line) continue;
      const content = line.translateToString(true);
      if (line.isWrapped && lines.length > 0) lines[lines.length - 1] += content;
      else lines.push(content);
    }
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines.join('\n');
  };

  const panel: TerminalPanel = {
    ready,
    write: put,
    notice(line, tone = 'info') {
      // Grey for ours, red for failures: bright black rather than "dim", which halves the
      // contrast (3.2:1 on white); the palette's bright black passes WCAG AA in both themes.
      const style = tone === 'error' ? '\x1b[31m' : '\x1b[90m';
      const reset = '\x1b[39m';
      put(`${atLineStart ? '' : '\n'}${style}${line}${reset}\n`);
    },
    clear() {
      pending = [];
      pendingSize = 0;
      atLineStart = true;
      term?.reset();
    },
    setTheme(theme) {
      if (term) term.options.theme = THEMES[theme];
    },
    text,
    dispose() {
      if (disposed) return;
      disposed = true;
      startLoading(); // lets `ready` settle without loading anything
      unsubscribe.forEach((off) => off());
      resizes?.disconnect();
      term?.dispose();
      term = null;
      root.remove();
    },
  };

  clearButton.addEventListener('click', () => {
    panel.clear();
    said.textContent = t('run.terminal.cleared');
  });
  copyButton.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text());
      said.textContent = t('run.terminal.copied');
    } catch {
      said.textContent = t('run.terminal.copyFailed');
    }
  });

  if (deps.session) {
    const session = deps.session;
    unsubscribe.push(
      session.onOutput((data) => put(data)),
      session.onServer((event) => serverLine(t, event, panel)),
    );
  }
  return panel;
}

/** The localized line for a server event, if it has one. */
export function serverLine(t: Translate, event: ServerEvent, terminal: Pick<TerminalPanel, 'notice'>): void {
  switch (event.type) {
    case 'starting':
      if (event.reason === 'restart') terminal.notice(t('run.terminal.restarting'));
      else if (event.reason === 'open') terminal.notice(t('run.terminal.loadingLesson'));
      return;
    case 'listening':
      terminal.notice(t('run.terminal.listening', { port: event.port }));
      return;
    case 'stopped':
      terminal.notice(t('run.terminal.stopped'));
      return;
    case 'exit':
      if (event.requested) return;
      if (event.code === 0) terminal.notice(t('run.terminal.ended'));
      else if (typeof event.code === 'number') terminal.notice(t('run.terminal.crashedCode', { code: event.code }), 'error');
      else if (event.signal) terminal.notice(t('run.terminal.crashedSignal', { signal: event.signal }), 'error');
      else terminal.notice(t('run.terminal.crashed'), 'error');
      return;
    case 'notice': {
      const data = (event.data ?? {}) as { port?: unknown; message?: unknown; ms?: unknown };
      if (event.key === 'outputTruncated') terminal.notice(t('run.terminal.notice.outputTruncated'));
      else if (event.key === 'portInUse') terminal.notice(t('run.terminal.notice.portInUse', { port: String(data.port ?? '') }), 'error');
      else if (event.key === 'busy') terminal.notice(t('fault.busy.terminal', { seconds: secondsIn(data.ms) }), 'error');
      else if (event.key === 'unblocked') terminal.notice(t('fault.busy.terminalUnblocked', { seconds: secondsIn(data.ms) }));
      else if (event.key === 'spawnFailed') terminal.notice(t('run.terminal.notice.spawnFailed', { message: String(data.message ?? '') }), 'error');
      else terminal.notice(t('run.terminal.notice.other', { key: event.key }));
      return;
    }
    case 'error':
      return; // the server printed it already (stderr)
  }
}
