// "Builds if needed": the build is stale when any input's path, size or mtime changed since the
// stamp was written. Cheap enough to run on every `npm start`.
import { spawnSync, type StdioOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const INPUTS = ['site', 'lessons', 'locales', 'lab/lessons', 'lab/inside', 'scripts', 'astro.config.mjs', 'package.json', 'package-lock.json'];
const STAMP = '.build-stamp';

export function inputsDigest(root: string): string {
  const hash = createHash('sha256');
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const name of readdirSync(path).sort()) if (name !== 'node_modules') visit(join(path, name));
    } else {
      hash.update(`${relative(root, path)}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  };
  for (const input of INPUTS) visit(join(root, input));
  return hash.digest('hex');
}

export function isBuildFresh(root: string, outDir: string): boolean {
  const stamp = join(outDir, STAMP);
  return existsSync(stamp) && readFileSync(stamp, 'utf8') === inputsDigest(root);
}

export function writeBuildStamp(root: string, outDir: string): void {
  writeFileSync(join(outDir, STAMP), inputsDigest(root));
}

/**
 * `astro build` with the Node running us, then the stamp: `npm start` (when stale) and the
 * benchmark (always, timed) build the same way. Returns the build's exit status.
 */
export function buildSite(root: string, outDir: string, stdio: StdioOptions = 'inherit'): number {
  const astro = join(root, 'node_modules', 'astro', 'bin', 'astro.mjs');
  // `npm start` serves the course at the root of its address: never a sub-path build.
  const { BASE_PATH: _base, ...env } = process.env;
  const result = spawnSync(process.execPath, [astro, 'build'], { cwd: root, stdio, env: { ...env, ASTRO_TELEMETRY_DISABLED: '1' } });
  const status = result.status ?? 1;
  if (status === 0) writeBuildStamp(root, outDir);
  return status;
}
