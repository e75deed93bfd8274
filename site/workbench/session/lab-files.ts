// lab/inside's scripts as text, for the WebContainer (mounted under .lab/). Vite bundles each as a
// lazy chunk: nothing is fetched until a WebContainer boots.
const inside = import.meta.glob<string>('../../../lab/inside/*.{mjs,cjs}', { query: '?raw', import: 'default' });

/** File name → text of every script in lab/inside/ (they require each other: all of them). */
export async function loadLabFiles(): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(inside).map(async ([path, load]) => [path.slice(path.lastIndexOf('/') + 1), await load()] as const),
  );
  return Object.fromEntries(entries);
}
