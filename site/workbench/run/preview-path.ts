// A path as the preview and the request panel take it. Apart from preview-panel.ts, which loads
// with the Preview tab, because the request panel (on screen from the start) needs it too.

/** "/login", "login", "/a?b=1#c" → a path that starts with "/". */
export function normalizePreviewPath(input: string): string {
  const trimmed = input.trim();
  if (trimmed === '') return '/';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}
