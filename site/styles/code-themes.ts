// The Shiki themes of every piece of code on the site: the lesson text, the workbench's static
// code and Monaco. GitHub's "default" pair: every token colour passes WCAG AA (4.5:1) on its own
// background (github-light's orange parameters do not), and the dark one's background is ours.
export const CODE_THEMES = { light: 'github-light-default', dark: 'github-dark-default' } as const;
