// A path as the preview (run/) and the request panel (inspect/) take it: here, below both panels,
// so neither imports the other (and the request panel, on screen from the start, does not pull
// in preview-panel.ts, which loads with the Preview tab).

/** "/login", "login", "/a?b=1#c" → a path that starts with "/". */
export function normalizePreviewPath(input: string): string {
  const trimmed = input.trim();
  if (trimmed === '') return '/';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}
