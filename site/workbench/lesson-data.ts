// What a step page hands the workbench: the lesson's files in the learner's language, the
// step's checks and routes, and where we are. Rendered by the page as JSON (one source: the
// lesson folder through the content collection), read by the workbench after every navigation.
import type { Lang } from '../i18n/index.ts';
import type { OutputView, Route } from '../../lab/lessons/schema.ts';
import type { Check } from '../../lab/protocol/checks.ts';

/** A route the request panel offers, as lesson.json declares it. */
export type RoutePayload = Route;

export interface LessonPayload {
  lang: Lang;
  lesson: string;
  step: string;
  /** The server's entry file, e.g. server.js. */
  entry: string;
  env: Record<string, string>;
  /** Files to open on this step; the first is focused. */
  open: string[];
  /** The starter files (TODO comments in the learner's language). */
  files: Record<string, string>;
  /** The solution's files. */
  solution: Record<string, string>;
  routes: RoutePayload[];
  /** The step's checks, as lesson.json has them (validated at build time; the host runs them). */
  checks: Check[];
  /** The lesson's messages in the learner's language (check messages, hints). */
  messages: Record<string, string>;
  /** The output view the lesson opens on. */
  view: OutputView;
}

export const PAYLOAD_ID = 'session-lab-lesson';

export function readPayload(doc: Document = document): LessonPayload | null {
  const node = doc.getElementById(PAYLOAD_ID);
  if (!node?.textContent) return null;
  return JSON.parse(node.textContent) as LessonPayload;
}
