// What the teaching plan (/{lang}/teach/) says of a step, read from the step's own text, so
// nothing is written twice: how long it takes (its prose at a reading pace, plus the work each of
// its checks asks for) and the common mistakes it corrects — the `> **Common mistake**: …`
// callouts of the lesson text, whose label each language writes its own way.
import { LANGUAGES, type Lang } from './languages.ts';

/** A learner's reading pace, for technical prose with code beside it. */
export const WORDS_PER_MINUTE = 180;
/** What one check asks for: write the code, run it, try it in the request panel. */
export const MINUTES_PER_CHECK = 3;

const FENCE = /^\s*(```|~~~)/;

/** The step's Markdown without its code blocks. */
function prose(markdown: string): string[] {
  let inFence = false;
  return markdown.split('\n').filter((line) => {
    if (FENCE.test(line)) {
      inFence = !inFence;
      return false;
    }
    return !inFence;
  });
}

/** Words of prose (code blocks left out: they are read with the editor, in the exercise). */
export function proseWords(markdown: string): number {
  return prose(markdown).join(' ').split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
}

/** Minutes a step takes: reading plus the work of its checks, rounded up, at least one. */
export function stepMinutes(words: number, checks: number): number {
  return Math.max(1, Math.ceil(words / WORDS_PER_MINUTE + checks * MINUTES_PER_CHECK));
}

/** The Markdown of each "common mistake" callout in the step, without its label. */
export function mistakeCallouts(markdown: string, lang: Lang): string[] {
  const opener = `> **${LANGUAGES[lang].mistakeLabel}**:`;
  const found: string[] = [];
  let current: string[] | null = null;
  for (const line of prose(markdown)) {
    if (line.startsWith(opener)) {
      current = [line.slice(opener.length).trim()];
      found.push('');
    } else if (current && line.startsWith('>')) {
      current.push(line.replace(/^>\s?/, ''));
    } else current = null;
    if (current) found[found.length - 1] = current.join('\n').trim();
  }
  return found.filter((text) => text !== '');
}
