// Monaco theme names (the Shiki theme ids), kept apart from ./theme.ts so that the panel can use
// them without pulling Shiki into the page's JavaScript.
import type { Theme } from './types.ts';
import { CODE_THEMES } from '../../styles/code-themes.ts';

export const MONACO_THEMES = CODE_THEMES satisfies Record<Theme, string>;

export function monacoThemeName(theme: Theme): string {
  return MONACO_THEMES[theme];
}
