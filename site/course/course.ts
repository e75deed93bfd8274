// The course as pages need it: lessons in order, and each step's neighbours across lessons.
import { getCollection, type CollectionEntry } from 'astro:content';
import type { Lang } from '../i18n/index.ts';
import { stepUrl } from './urls.ts';

export type LessonEntry = CollectionEntry<'lessons'>;

export async function getLessons(): Promise<LessonEntry[]> {
  return (await getCollection('lessons')).sort((a, b) => a.data.order - b.data.order);
}

export interface StepLink {
  href: string;
  title: string;
  lessonTitle: string;
  sameLesson: boolean;
}

/** Every step of the course in reading order, for one language. */
export function readingOrder(lessons: LessonEntry[], lang: Lang) {
  return lessons.flatMap((lesson) =>
    lesson.data.texts[lang].steps.map((step) => ({
      lesson: lesson.data.meta.id,
      step: step.id,
      href: stepUrl(lang, lesson.data.meta.id, step.id),
      title: step.title,
      lessonTitle: lesson.data.texts[lang].title,
    })),
  );
}

export function neighbours(lessons: LessonEntry[], lang: Lang, lesson: string, step: string) {
  const order = readingOrder(lessons, lang);
  const at = order.findIndex((s) => s.lesson === lesson && s.step === step);
  const link = (i: number): StepLink | undefined => {
    const s = order[i];
    return s && { href: s.href, title: s.title, lessonTitle: s.lessonTitle, sameLesson: s.lesson === lesson };
  };
  return { previous: link(at - 1), next: link(at + 1) };
}
