// Cross-origin isolation: WebContainers need SharedArrayBuffer, which browsers only give to a
// page that is cross-origin isolated. Every response of the course carries these.
export const isolationHeaders: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** `npm start`'s mark in every page it serves: the page reads it (no request) to know that a
 * local runner serves it. A static host has no such mark, and a page there never asks /__runner/
 * (site/runtime/runner-mark.ts). */
export const RUNNER_MARK = 'session-lab-runner';
export const RUNNER_MARK_HTML = `<meta name="${RUNNER_MARK}" content="">`;
