// Monaco theme names (the Shiki theme ids), kept apart from ./theme.ts so that the panel can use
// them without pulling Shiki into the page's JavaScript.
import type { Theme } from './types.ts';

export const MONACO_THEMES = { light: 'github-light', dark: 'github-dark' } as const satisfies Record<Theme, string>;

export function monacoThemeName(theme: Theme): string {
  return MONACO_THEMES[theme];
}
