// @ts-check
import { defineConfig } from 'astro/config';
import { LANGS } from './lab/lessons/languages.ts';
import { isolationHeaders } from './lab/server/headers.ts';
import { dependencySnapshot } from './scripts/astro-snapshot.ts';
import { lazyChunkCss } from './scripts/astro-lazy-css.ts';
import { CODE_THEMES } from './site/styles/code-themes.ts';
import { normalizeBasePath } from './site/course/base-path.ts';

// Session Lab: a static site. `npm start` (lab/server) serves the build with the same
// cross-origin-isolation headers that `astro dev` and `astro preview` send here.
// BASE_PATH=/session-lab/ builds the course for a host that serves it under that path (a GitHub
// Pages project site); the default is the root of a domain.
const base = normalizeBasePath(process.env.BASE_PATH);
export default defineConfig({
  base,
  srcDir: './site',
  outDir: './dist',
  publicDir: './site/public',
  trailingSlash: 'always',
  build: { format: 'directory' },
  i18n: {
    locales: [...LANGS],
    defaultLocale: 'en',
    routing: { prefixDefaultLocale: true, redirectToDefaultLocale: false },
  },
  server: { host: '127.0.0.1', headers: isolationHeaders },
  markdown: {
    shikiConfig: {
      themes: CODE_THEMES,
      defaultColor: false,
    },
  },
  integrations: [dependencySnapshot(), lazyChunkCss()],
  devToolbar: { enabled: false },
  vite: {
    server: { headers: isolationHeaders },
    preview: { headers: isolationHeaders },
    // The base path for site/course/urls.ts, the same in the pages' build and in the browser
    // (import.meta.env.BASE_URL reads '/' while pages are prerendered).
    define: { __SESSION_LAB_BASE__: JSON.stringify(base) },
  },
});
