// `npm run build`: the production build to dist/, with the stamp that tells `npm start` the build
// is fresh (lab/server/build-stamp.ts), so a build made by hand is served without building again.
import { join } from 'node:path';
import { buildSite } from '../lab/server/build-stamp.ts';
import { repoRoot } from './lib/course-server.ts';

process.exitCode = buildSite(repoRoot, join(repoRoot, 'dist'));
