// The teaching plan (/{lang}/teach/) as data, from the lessons alone: for every lesson its goal and
// time, for every step its links (the step, each file open, the solution shown), what "Check my
// work" verifies there, the hints a stuck learner gets, the mistakes it corrects and its time.
import type { Lang } from '../i18n/index.ts';
import { stepMinutes } from '../../lab/lessons/teaching.ts';
import type { LessonEntry } from './course.ts';
import { stepUrl } from './urls.ts';

export interface PlanLink {
  /** What it opens: the step, a file of it, or its solution. */
  readonly kind: 'step' | 'file' | 'solution';
  readonly file?: string;
  readonly href: string;
}

export interface PlanStep {
  readonly id: string;
  readonly title: string;
  readonly links: readonly PlanLink[];
  /** What each check proves, in the language, with its hint. */
  readonly checks: readonly { readonly message: string; readonly hint?: string }[];
  /** The "common mistake" callouts of the step, rendered HTML from the lesson text. */
  readonly mistakes: readonly string[];
  readonly minutes: number;
}

export interface PlanLesson {
  readonly id: string;
  readonly number: number;
  readonly title: string;
  readonly goal: string;
  readonly minutes: number;
  readonly steps: readonly PlanStep[];
}

export function teachingPlan(lessons: readonly LessonEntry[], lang: Lang): PlanLesson[] {
  return lessons.map((lesson, index) => {
    const { meta } = lesson.data;
    const text = lesson.data.texts[lang];
    const files = [...new Set([...meta.open, ...Object.keys(text.app)])];
    const steps = text.steps.map((step): PlanStep => {
      const stepMeta = meta.steps.find((s) => s.id === step.id)!;
      const href = stepUrl(lang, meta.id, step.id);
      const opened = [...new Set([...(stepMeta.open ?? []), ...files])];
      return {
        id: step.id,
        title: step.title,
        links: [
          { kind: 'step', href },
          ...opened.map((file): PlanLink => ({ kind: 'file', file, href: `${href}?file=${encodeURIComponent(file)}` })),
          { kind: 'solution', href: `${href}?solution` },
        ],
        checks: stepMeta.checks.map((check) => ({
          message: text.messages[check.message]!,
          ...(check.hint ? { hint: text.messages[check.hint]! } : {}),
        })),
        mistakes: step.mistakes,
        minutes: stepMinutes(step.words, stepMeta.checks.length),
      };
    });
    return {
      id: meta.id,
      number: index + 1,
      title: text.title,
      goal: text.summary,
      minutes: steps.reduce((sum, step) => sum + step.minutes, 0),
      steps,
    };
  });
}
