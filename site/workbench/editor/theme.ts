// The editor's colors: the same Shiki themes as the lesson text (github-light / github-dark),
// handed to Monaco with @shikijs/monaco. Only imported by ./monaco-loader.ts (lazy).
import { shikiToMonaco } from '@shikijs/monaco';
import { createHighlighterCore } from 'shiki/core';
import { createJavaScriptRegexEngine } from 'shiki/engine/javascript';
import githubLight from 'shiki/themes/github-light.mjs';
import githubDark from 'shiki/themes/github-dark.mjs';
import javascript from 'shiki/langs/javascript.mjs';
import json from 'shiki/langs/json.mjs';
import html from 'shiki/langs/html.mjs';
import css from 'shiki/langs/css.mjs';
import type { MonacoApi } from './types.ts';
import { monacoThemeName } from './theme-name.ts';

export { monacoThemeName };

/**
 * Defines both themes in Monaco and makes Shiki tokenize the registered languages (call after
 * registering them). Then `monaco.editor.setTheme(monacoThemeName(theme))` switches.
 */
export async function installShikiThemes(monaco: MonacoApi): Promise<void> {
  const highlighter = await createHighlighterCore({
    themes: [githubLight, githubDark],
    langs: [javascript, json, html, css],
    // The JavaScript regex engine: no WebAssembly to fetch.
    engine: createJavaScriptRegexEngine(),
  });
  // The JavaScript engine compiles a grammar's regexes on first use; doing it here, before the
  // editor shows, keeps the first lines from hitting Monaco's per-line time limit.
  highlighter.codeToTokensBase(WARM_UP, { lang: 'javascript', theme: 'github-light' });
  shikiToMonaco(highlighter, monaco, { tokenizeTimeLimit: 2000 });
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
