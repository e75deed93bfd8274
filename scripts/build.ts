// `npm run build`: the production build to dist/. Built for the root of a domain, it carries the
// stamp that tells `npm start` the build is fresh (lab/server/build-stamp.ts), so a build made by
// hand is served without building again. Built for a sub-path (BASE_PATH=/session-lab/, for a
// host), it is left unstamped: `npm start` serves the root, so it builds again rather than serve it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildSite } from '../lab/server/build-stamp.ts';
import { normalizeBasePath } from '../site/course/base-path.ts';
import { repoRoot } from './lib/course-server.ts';

const outDir = join(repoRoot, 'dist');
if (normalizeBasePath(process.env.BASE_PATH) === '/') {
  process.exitCode = buildSite(repoRoot, outDir);
} else {
  const astro = join(repoRoot, 'node_modules', 'astro', 'bin', 'astro.mjs');
  const built = spawnSync(process.execPath, [astro, 'build'], { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' } });
  process.exitCode = built.status ?? 1;
}
