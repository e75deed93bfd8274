// Cross-origin isolation: WebContainers need SharedArrayBuffer, which browsers only give to a
// page that is cross-origin isolated. Every response of the course carries these.
import { RUNNER_MARK } from '../protocol/runner.ts';

export const isolationHeaders: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** `npm start`'s mark in every page it serves (lab/protocol/runner.ts, RUNNER_MARK): the page reads
 * it (no request) to know that a local runner serves it. */
export const RUNNER_MARK_HTML = `<meta name="${RUNNER_MARK}" content="">`;
