// Astro content collections over lessons/: the loader validates every lesson with the schema in
// lab/lessons (a broken lesson fails the build naming the lesson, the language and the problem)
// and renders each step's Markdown with Astro's pipeline (Shiki, light and dark).
import { defineCollection } from 'astro:content';
import { z } from 'astro/zod';
import { fileURLToPath } from 'node:url';
import { loadCourse, localizeFiles } from '../lab/lessons/load.ts';
import { LessonMeta, LessonText } from '../lab/lessons/schema.ts';
import { LANGS, type Lang } from '../lab/lessons/languages.ts';
import { mistakeCallouts, proseWords } from '../lab/lessons/teaching.ts';
import { createT } from './i18n/index.ts';

const lessonsDir = fileURLToPath(new URL('../lessons/', import.meta.url));

const Files = z.record(z.string(), z.string());
const LessonLanguage = LessonText.extend({
  steps: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      /** Words of prose (the teaching plan's time estimate). */
      words: z.number().int(),
      /** The "common mistake" callouts the step corrects, rendered (the teaching plan lists them). */
      mistakes: z.array(z.string()),
    }),
  ),
  app: Files,
  solution: Files,
});

const lessons = defineCollection({
  loader: {
    name: 'session-lab-lessons',
    async load({ store, parseData, generateDigest, watcher, renderMarkdown }) {
      watcher?.add(lessonsDir);
      store.clear();
      for (const lesson of loadCourse(lessonsDir)) {
        const texts = Object.fromEntries(
          await Promise.all(LANGS.map(async (lang) => {
            const { text, steps } = lesson.texts[lang];
            const where = `lessons/${lesson.folder} (${lang})`;
            return [lang, {
              ...text,
              steps: await Promise.all(
                steps.map(async ({ id, title, markdown }) => ({
                  id,
                  title,
                  words: proseWords(markdown),
                  mistakes: await Promise.all(mistakeCallouts(markdown, lang).map(async (callout) => (await renderMarkdown(callout)).html)),
                })),
              ),
              app: localizeFiles(lesson.app, text.messages, where),
              solution: localizeFiles(lesson.solution, text.messages, where),
            }];
          })),
        );
        const data = await parseData({ id: lesson.meta.id, data: { meta: lesson.meta, order: lesson.order, folder: lesson.folder, texts } });
        store.set({ id: lesson.meta.id, data, digest: generateDigest(data) });
      }
    },
  },
  schema: z.object({
    meta: LessonMeta,
    order: z.number().int(),
    folder: z.string(),
    texts: z.object(Object.fromEntries(LANGS.map((l) => [l, LessonLanguage])) as Record<Lang, typeof LessonLanguage>),
  }),
});

const steps = defineCollection({
  loader: {
    name: 'session-lab-steps',
    async load({ store, renderMarkdown, generateDigest }) {
      store.clear();
      // The starter files the workbench shows beside the text are folded in it (still there with
      // no JavaScript: a <details> opens by itself).
      const words = Object.fromEntries(LANGS.map((lang) => [lang, createT(lang)])) as Record<Lang, ReturnType<typeof createT>>;
      const starterSummary = (lang: Lang, file: string) => words[lang]('step.starterCopy', { file });
      for (const lesson of loadCourse(lessonsDir, { starterSummary })) {
        for (const lang of LANGS) {
          const list = lesson.texts[lang].steps;
          for (const [index, step] of list.entries()) {
            const id = `${lang}/${lesson.meta.id}/${step.id}`;
            const data = { lang, lesson: lesson.meta.id, step: step.id, title: step.title, index };
            const rendered = await renderMarkdown(step.markdown);
            store.set({ id, data, rendered, digest: generateDigest({ ...data, markdown: step.markdown }) });
          }
        }
      }
    },
  },
  schema: z.object({
    lang: z.enum(LANGS),
    lesson: z.string(),
    step: z.string(),
    title: z.string(),
    index: z.number().int(),
  }),
});

export const collections = { lessons, steps };
