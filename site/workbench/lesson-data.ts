// What a step page hands the workbench: the lesson's files in the learner's language, the
// step's checks and routes, and where we are. Rendered by the page as JSON (one source: the
// lesson folder through the content collection), read by the workbench after every navigation.
import type { Lang } from '../i18n/index.ts';
import type { OutputView } from '../../lab/lessons/schema.ts';

export interface RoutePayload {
  method: 'GET' | 'POST';
  path: string;
  form?: Record<string, string>;
}

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
  /** The step's checks, as lesson.json has them (the host runs them). */
  checks: unknown[];
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
