// An Astro integration: Astro links the CSS of dynamically imported chunks into every page as if
// it were the page's own (withastro/astro#9495). Monaco's 175 KB stylesheet would then block the
// first paint of every step page. Vite's preload fetches it anyway when the editor chunk loads,
// so the page's <link> to it is removed.
import type { AstroIntegration } from 'astro';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LAZY = /<link rel="stylesheet" href="\/_astro\/monaco-loader\.[\w-]+\.css"\s*\/?>/g;

async function* htmlFiles(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* htmlFiles(path);
    else if (entry.name.endsWith('.html')) yield path;
  }
}

export function lazyChunkCss(): AstroIntegration {
  return {
    name: 'session-lab:lazy-chunk-css',
    hooks: {
      'astro:build:done': async ({ dir }) => {
        for await (const file of htmlFiles(fileURLToPath(dir))) {
          const html = await readFile(file, 'utf8');
          const stripped = html.replace(LAZY, '');
          if (stripped !== html) await writeFile(file, stripped);
        }
      },
    },
  };
}
