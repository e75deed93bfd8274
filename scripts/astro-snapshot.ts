// An Astro integration: after every build, pack the lesson apps' dependencies into
// dist/runtime/deps.snapshot, the file a WebContainer mounts instead of running `npm install`.
import type { AstroIntegration } from 'astro';
import { fileURLToPath } from 'node:url';
import { buildSnapshot } from './snapshot.ts';

export function dependencySnapshot(): AstroIntegration {
  return {
    name: 'session-lab:dependency-snapshot',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const out = fileURLToPath(new URL('runtime/deps.snapshot', dir));
        const result = await buildSnapshot(out);
        logger.info(`dependency snapshot: ${result.files} files, ${Math.round(result.gzBytes / 1024)} KB gzipped${result.reused ? ' (cached install)' : ''}`);
      },
    },
  };
}
