// Whether a local runner serves this page, known without a request: `npm start`'s server puts a
// <meta name=RUNNER_MARK> in every page it serves (lab/server/headers.ts). A static host serves the
// pages as built, without it, so a page there never asks /__runner/ (which would only answer 404
// and put an error in the console).
import { RUNNER_MARK } from '../../lab/protocol/runner.ts';

export function servedByRunner(doc: Pick<Document, 'querySelector'> | undefined = globalThis.document): boolean {
  return doc?.querySelector(`meta[name="${RUNNER_MARK}"]`) != null;
}
