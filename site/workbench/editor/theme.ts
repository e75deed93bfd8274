// The editor's colors: the same Shiki themes as the lesson text (../../styles/code-themes.ts),
// handed to Monaco with @shikijs/monaco. Only imported by ./monaco-loader.ts (lazy).
import { shikiToMonaco } from '@shikijs/monaco';
import { createHighlighterCore } from 'shiki/core';
import { createJavaScriptRegexEngine } from 'shiki/engine/javascript';
import githubLight from 'shiki/themes/github-light-default.mjs';
import githubDark from 'shiki/themes/github-dark-default.mjs';
import javascript from 'shiki/langs/javascript.mjs';
import json from 'shiki/langs/json.mjs';
import html from 'shiki/langs/html.mjs';
import css from 'shiki/langs/css.mjs';
import type { MonacoApi } from './types.ts';
import { MONACO_THEMES, monacoThemeName } from './theme-name.ts';

export { monacoThemeName };

/**
 * Defines both themes in Monaco and makes Shiki tokenize the registered languages (call after
 * registering them). Then `monaco.editor.setTheme(monacoThemeName(theme))` switches.
 */
export async function installShikiThemes(monaco: MonacoApi): Promise<void> {
  const highlighter = await createHighlighterCore({
    themes: [readable(githubLight, { muted: '#57606a', line: '#d0d7de' }), readable(githubDark, { muted: '#9198a1', line: '#3d444d' }, DARK_DIFF)],
    langs: [javascript, json, html, css],
    // The JavaScript regex engine: no WebAssembly to fetch.
    engine: createJavaScriptRegexEngine(),
  });
  // The JavaScript engine compiles a grammar's regexes on first use; doing it here, before the
  // editor shows, keeps the first lines from hitting Monaco's per-line time limit.
  highlighter.codeToTokensBase(WARM_UP, { lang: 'javascript', theme: MONACO_THEMES.light });
  shikiToMonaco(highlighter, monaco, { tokenizeTimeLimit: 2000 });
}

/**
 * The solution's (and shared code's) diff in dark: the theme's translucent reds and greens stack
 * (a changed word on a changed line) to backgrounds where comments (#8b949e) and keywords
 * (#ff7b72) fall to 3.1:1 and 3.7:1. These opaque tints keep every token at 4.5:1 or more.
 */
const DARK_DIFF = {
  'diffEditor.removedLineBackground': '#2b1719',
  'diffEditor.removedTextBackground': '#42201f',
  'diffEditor.insertedLineBackground': '#102219',
  'diffEditor.insertedTextBackground': '#152c1d',
};

/**
 * Changes so that every word in the editor passes WCAG AA (4.5:1): the themes' line numbers
 * are decoration-grey (3.0:1 in light, 4.1:1 in dark), and a learner reads them when an error
 * points at a line, so they take the site's muted text colour; the current line is outlined
 * instead of tinted, because the tint takes comments below 4.5:1; and the diff's colours where
 * the theme's fall short.
 */
function readable<T extends { colors?: Record<string, string> }>(theme: T, site: { muted: string; line: string }, diff: Record<string, string> = {}): T {
  return {
    ...theme,
    colors: {
      ...theme.colors,
      'editorLineNumber.foreground': site.muted,
      'editor.lineHighlightBackground': '#00000000',
      'editor.lineHighlightBorder': site.line,
      ...diff,
    },
  };
}

const WARM_UP = `'use strict';
const express = require('express');
/** @param {import('express').Request} req */
app.get('/a/:id', async (req, res, next) => {
  // comment
  const { n = 0 } = req.session ?? {};
  res.send(\`count: \${n + 1}\`.replace(/\\d+/g, (d) => d));
});
module.exports = { app };
`;
