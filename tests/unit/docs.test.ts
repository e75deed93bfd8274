// The docs are true about the files: no README names a file that is gone, and every module of a
// folder a README describes is named in it (its own README, or the nearest one above it inside
// site/ or lab/). Names are read where the docs name files: in backticks (`lab/inside/host.mjs`,
// `types.ts`) and in the first column of the workbench's module listing.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const SKIP = new Set(['node_modules', 'dist', '.git', '.astro', '.lab', '.cache', 'lessons', 'fixtures']);
const SOURCE = /\.(ts|mjs|cjs|astro)$/;
/** Names the docs give that are not the repository's: the built site, a learner's workspace,
 * placeholders (`{code}.md`, `NN-id.ts`), a lesson's own text files (`pt.md`). */
const NOT_REPO = /[{}*<>]|NN|^(dist|\.lab|node_modules|\.cache)\/|^https?:|^[a-z]{2}\.md$/;

function walk(dir: string, found: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, found);
    else found.push(path);
  }
  return found;
}

const files = walk(root);
const readmes = files.filter((f) => f.endsWith('README.md'));

/** Every name a README gives in backticks, and the first word of each line of a code block listing modules. */
function namesIn(text: string): string[] {
  const names = [...text.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]!);
  for (const block of text.matchAll(/```\n([\s\S]*?)```/g)) {
    for (const line of block[1]!.split('\n')) {
      const first = /^(\S+)\s{2,}/.exec(line)?.[1];
      if (first) names.push(first);
    }
  }
  return names.map((n) => n.replace(/[,.;:)]+$/, '').replace(/#.*$/, ''));
}

/** Whether a name looks like a file or folder of ours (a path under a top folder, or a module name). */
const looksLikeFile = (name: string) => !NOT_REPO.test(name) && /^[\w\-\[\]][\w.\-\[\]/]*$/.test(name) && (/\.(ts|mjs|cjs|astro|md|css)$/.test(name) || /^(site|lab|tests|scripts|locales)\//.test(name));

describe('the docs name only files that exist', () => {
  for (const readme of readmes) {
    const where = relative(root, readme);
    it(`${where}`, () => {
      const dir = dirname(readme);
      const gone = namesIn(readFileSync(readme, 'utf8'))
        .filter(looksLikeFile)
        .filter((name) => {
          const clean = name.replace(/^\//, '');
          const candidates = [join(dir, clean), join(root, clean)];
          // A module name alone may be one of the described folder's subfolders' (inspect/x.ts in site/workbench).
          if (!clean.includes('/')) candidates.push(...files.filter((f) => f.startsWith(dir) && f.endsWith(`/${clean}`)));
          return !candidates.some((c) => existsSync(c));
        });
      expect(gone, `${where} names files that do not exist`).toEqual([]);
    });
  }
});

describe("each README describes every module of its folders", () => {
  const described = readmes.filter((r) => /^(site|lab)\//.test(relative(root, r)));
  for (const readme of described) {
    const where = relative(root, readme);
    it(`${where}`, () => {
      const dir = dirname(readme);
      const text = readFileSync(readme, 'utf8');
      const nearest = (file: string) =>
        described.filter((r) => file.startsWith(dirname(r) + '/')).sort((a, b) => b.length - a.length)[0];
      const mine = files.filter((f) => f.startsWith(dir + '/') && SOURCE.test(f) && !f.endsWith('.d.ts') && nearest(f) === readme);
      const names = new Set(namesIn(text));
      const missing = mine
        .map((f) => relative(dir, f))
        .filter((rel) => ![rel, rel.split('/').pop()!].some((n) => names.has(n) || text.includes(`\`${n}\``) || names.has(`${dirname(rel)}/`)));
      expect(missing, `${where} does not name these modules of its folder`).toEqual([]);
    });
  }
});
