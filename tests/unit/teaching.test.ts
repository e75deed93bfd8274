// What the teaching plan reads from a step's own text (lab/lessons/teaching.ts), on real lessons:
// every lesson's "common mistake" callouts are found in every language, the same number in each,
// and code blocks never count as reading.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCourse } from '../../lab/lessons/load.ts';
import { LANGS } from '../../lab/lessons/languages.ts';
import { LANGUAGES } from '../../lab/lessons/languages.ts';
import { MINUTES_PER_CHECK, WORDS_PER_MINUTE, mistakeCallouts, proseWords, stepMinutes } from '../../lab/lessons/teaching.ts';

const course = loadCourse(join(import.meta.dirname, '../../lessons'));

describe('the teaching plan’s reading of a step', () => {
  it('finds each step’s common-mistake callouts in every language, as many in each, none left unread', () => {
    let total = 0;
    for (const lesson of course) {
      for (const [index, step] of lesson.texts.en.steps.entries()) {
        const counts = LANGS.map((lang) => mistakeCallouts(lesson.texts[lang].steps[index]!.markdown, lang).length);
        expect(new Set(counts).size, `${lesson.folder}/${step.id}: ${counts.join(', ')}`).toBe(1);
        total += counts[0]!;
        for (const lang of LANGS) {
          const markdown = lesson.texts[lang].steps[index]!.markdown;
          // Every callout that opens with the label is read: none is missed by a format slip.
          const opened = markdown.split('\n').filter((line) => line.includes(`**${LANGUAGES[lang].mistakeLabel}**`)).length;
          expect(mistakeCallouts(markdown, lang), `${lesson.folder}/${step.id} (${lang})`).toHaveLength(opened);
        }
      }
    }
    expect(total).toBeGreaterThan(20);
  });

  it('takes a callout’s continuation lines and leaves its label out', () => {
    const markdown = ['Text.', '', '> **Common mistake**: one `thing`', '> and its second line.', '', '> **Note**: not a mistake.'].join('\n');
    expect(mistakeCallouts(markdown, 'en')).toEqual(['one `thing`\nand its second line.']);
  });

  it('counts prose words only (code blocks are read in the exercise) and times a step by reading and checks', () => {
    const markdown = ['Four words of prose.', '```js', 'const many = words.in(this, block);', '```', 'Two more.'].join('\n');
    expect(proseWords(markdown)).toBe(6);
    expect(stepMinutes(0, 0)).toBe(1);
    expect(stepMinutes(WORDS_PER_MINUTE * 2, 0)).toBe(2);
    expect(stepMinutes(WORDS_PER_MINUTE, 2)).toBe(1 + 2 * MINUTES_PER_CHECK);
  });
});
