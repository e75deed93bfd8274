// Which Monaco language a lesson file gets, and the editing rules (comments, brackets, auto
// closing) for the languages we register ourselves. Colors come from Shiki (./theme.ts), and
// JavaScript's IntelliSense from Monaco's TypeScript worker (./monaco-loader.ts).
import type { MonacoApi } from './types.ts';

export { languageOf, type LanguageId } from './language-id.ts';
import type { LanguageId } from './language-id.ts';

type LanguageConfiguration = Parameters<MonacoApi['languages']['setLanguageConfiguration']>[1];

const brackets: [string, string][] = [
  ['{', '}'],
  ['[', ']'],
  ['(', ')'],
];

const JAVASCRIPT: LanguageConfiguration = {
  wordPattern: /(-?\d*\.\d\w*)|([^`~!@#%^&*()\-=+[{\]}\\|;:'",.<>/?\s]+)/g,
  comments: { lineComment: '//', blockComment: ['/*', '*/'] },
  brackets,
  autoClosingPairs: [
    { open: '{', close: '}' },
    { open: '[', close: ']' },
    { open: '(', close: ')' },
    { open: '"', close: '"', notIn: ['string'] },
    { open: "'", close: "'", notIn: ['string', 'comment'] },
    { open: '`', close: '`', notIn: ['string', 'comment'] },
    { open: '/**', close: ' */', notIn: ['string'] },
  ],
  surroundingPairs: [
    { open: '{', close: '}' },
    { open: '[', close: ']' },
    { open: '(', close: ')' },
    { open: '"', close: '"' },
    { open: "'", close: "'" },
    { open: '`', close: '`' },
  ],
  folding: { markers: { start: /^\s*\/\/\s*#?region\b/, end: /^\s*\/\/\s*#?endregion\b/ } },
};

const JSON_CONFIG: LanguageConfiguration = {
  brackets: [
    ['{', '}'],
    ['[', ']'],
  ],
  autoClosingPairs: [
    { open: '{', close: '}', notIn: ['string'] },
    { open: '[', close: ']', notIn: ['string'] },
    { open: '"', close: '"', notIn: ['string'] },
  ],
};

const HTML_CONFIG: LanguageConfiguration = {
  comments: { blockComment: ['<!--', '-->'] },
  brackets: [
    ['<!--', '-->'],
    ['<', '>'],
    ['{', '}'],
    ['(', ')'],
  ],
  autoClosingPairs: [
    { open: '{', close: '}' },
    { open: '[', close: ']' },
    { open: '(', close: ')' },
    { open: '"', close: '"' },
    { open: "'", close: "'" },
  ],
};

const CSS_CONFIG: LanguageConfiguration = {
  comments: { blockComment: ['/*', '*/'] },
  brackets,
  autoClosingPairs: [
    { open: '{', close: '}', notIn: ['string', 'comment'] },
    { open: '[', close: ']', notIn: ['string', 'comment'] },
    { open: '(', close: ')', notIn: ['string', 'comment'] },
    { open: '"', close: '"', notIn: ['string', 'comment'] },
    { open: "'", close: "'", notIn: ['string', 'comment'] },
  ],
};

/** The languages Monaco learns from us (ids match Shiki's grammar names). */
export const LANGUAGES: { id: Exclude<LanguageId, 'plaintext'>; extensions: string[]; config: LanguageConfiguration }[] = [
  { id: 'javascript', extensions: ['.js', '.cjs', '.mjs'], config: JAVASCRIPT },
  { id: 'json', extensions: ['.json'], config: JSON_CONFIG },
  { id: 'html', extensions: ['.html', '.ejs'], config: HTML_CONFIG },
  { id: 'css', extensions: ['.css'], config: CSS_CONFIG },
];

export function registerLanguages(monaco: MonacoApi): void {
  const known = new Set(monaco.languages.getLanguages().map((language) => language.id));
  for (const { id, extensions, config } of LANGUAGES) {
    if (!known.has(id)) monaco.languages.register({ id, extensions });
    monaco.languages.setLanguageConfiguration(id, config);
  }
}
