// A step's checks and what running them answers. The checks themselves are lesson.json's, so
// their types come from the zod schema (lab/lessons/schema.ts), never restated; the result and
// the failure's detail are what lab/inside/checks.mjs reports. Prose: lab/README.md ("Scenario
// steps", "Check result").
import type { z } from 'zod';
import type { Check, Expectation, ScenarioRequest, ScenarioRestart, ScenarioStart, ScenarioTamper } from '../lessons/schema.ts';

export type { Check, Expectation, ScenarioRequest, ScenarioRestart, ScenarioStart, ScenarioTamper };
export type ScenarioStep = Check['scenario'][number];

/** A check as the host accepts it: lesson.json's before the schema fills its defaults in
 * (lab/inside/checks.mjs gives a request step its `browser`, `method`, `follow` and `expect` itself). */
export type CheckInput = z.input<typeof Check>;
export type ScenarioStepInput = CheckInput['scenario'][number];
export type ScenarioRequestInput = z.input<typeof ScenarioRequest>;
export type ScenarioStartInput = z.input<typeof ScenarioStart>;
export type ScenarioTamperInput = z.input<typeof ScenarioTamper>;

/** A field an expectation names (`status`, `storeOps`, `clearsCookie`…). */
export type ExpectationField = keyof Expectation;
/** What a failed step reports beyond the expectation's own fields: no answer (`response`, `error`),
 * a restart or a start that failed, a tamper with no cookie to change, a request to a server no
 * `start` step started, a malformed step. */
export type ScenarioField = 'response' | 'error' | 'restart' | 'start' | 'tamper' | 'instance' | 'cookies' | 'path' | 'scenario';
/** Every field a failure's `expected`/`actual` may name (by its first segment: `headers.location`,
 * `cookieAttributes.HttpOnly`). Each has a label in the learner's language. */
export type DetailField = ExpectationField | ScenarioField;

/** Why a check failed: the step, the request when it was one, and only the fields that failed. */
export interface CheckFailureDetail {
  /** The scenario step (0-based; -1: the check itself could not run). */
  step: number;
  /** `instance`: the request went to a server a `start` step of the scenario started. */
  request?: { browser: string; method: string; path: string; instance?: string };
  expected: Record<string, unknown>;
  actual: Record<string, unknown>;
}

export interface CheckResult {
  id: string;
  passed: boolean;
  /** A message key of the lesson (its `messages`). */
  message: string;
  /** Only when the check failed. */
  hint?: string;
  detail: CheckFailureDetail | null;
}
