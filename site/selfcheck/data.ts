// What the self-check page hands its script: every lesson's solution (in the page's language)
// and the steps that have checks. One source: the lesson folders, through the content collection.
import type { Check } from '../../lab/lessons/schema.ts';
import type { Lang } from '../i18n/index.ts';

export const SELF_CHECK_DATA_ID = 'session-lab-self-check';
/** The page's `selfCheck.*` strings (templates), rendered at build time. */
export const SELF_CHECK_STRINGS_ID = 'session-lab-self-check-strings';

export interface SelfCheckStep {
  readonly id: string;
  readonly title: string;
  readonly checks: readonly Check[];
}

export interface SelfCheckLesson {
  readonly id: string;
  readonly title: string;
  readonly entry: string;
  readonly env: Readonly<Record<string, string>>;
  /** The solution's files, complete (the starter's unchanged files included). */
  readonly files: Readonly<Record<string, string>>;
  readonly messages: Readonly<Record<string, string>>;
  readonly steps: readonly SelfCheckStep[];
}

export interface SelfCheckData {
  readonly lang: Lang;
  readonly lessons: readonly SelfCheckLesson[];
}

/** The key of a step's row in the results table. */
export const rowKey = (lesson: string, step: string) => `${lesson}/${step}`;
export const RUNTIME_ROW = 'runtime';

export function readSelfCheckStrings(doc: Document = document): Record<string, string> {
  const node = doc.getElementById(SELF_CHECK_STRINGS_ID);
  return node?.textContent ? (JSON.parse(node.textContent) as Record<string, string>) : {};
}

export function readSelfCheckData(doc: Document = document): SelfCheckData | null {
  const node = doc.getElementById(SELF_CHECK_DATA_ID);
  if (!node?.textContent) return null;
  return JSON.parse(node.textContent) as SelfCheckData;
}
