// Where the course lives on its host: at the root of a domain ('/'), or under a path — a GitHub
// Pages project site is served at `/<repo>/`. One setting: the BASE_PATH environment variable,
// read by astro.config.mjs at build time; every URL the site makes goes through urls.ts.

/** '/', or the path with one leading and one trailing slash ('session-lab' → '/session-lab/'). */
export function normalizeBasePath(value: string | undefined): string {
  const trimmed = (value ?? '').trim().replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '/';
  if (!/^[A-Za-z0-9._~-]+(?:\/[A-Za-z0-9._~-]+)*$/.test(trimmed) || trimmed.split('/').some((part) => part === '.' || part === '..')) {
    throw new Error(`BASE_PATH must be a URL path like /session-lab/ (letters, digits, . _ ~ - and /), not "${value}"`);
  }
  return `/${trimmed}/`;
}
