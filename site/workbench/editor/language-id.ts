// Which Monaco language a lesson file gets, by its extension. Apart from language.ts (the editing
// rules, which come with Monaco) so the editor panel can name a file's language without them.
export type LanguageId = 'javascript' | 'json' | 'html' | 'css' | 'plaintext';

const BY_EXTENSION: Record<string, LanguageId> = {
  js: 'javascript',
  cjs: 'javascript',
  mjs: 'javascript',
  json: 'json',
  html: 'html',
  ejs: 'html',
  css: 'css',
};

export function languageOf(path: string): LanguageId {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return 'plaintext';
  return BY_EXTENSION[name.slice(dot + 1).toLowerCase()] ?? 'plaintext';
}
