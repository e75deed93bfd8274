// The files a static host reads beside the course, written from the one list of isolation headers
// (lab/server/headers.ts) and the site's base path, so a course built for a sub-path
// (BASE_PATH=/session-lab/) gets headers, redirects and its service worker under that path too.
// site/pages/[file].ts serves each one at the root of the build.
import { isolationHeaders } from '../../lab/server/headers.ts';
import { LANGS } from '../../lab/lessons/languages.ts';

export const HOST_FILES = ['_headers', '_redirects', 'netlify.toml', 'vercel.json', 'coi-sw.js'] as const;
export type HostFile = (typeof HOST_FILES)[number];

const NOSNIFF = { 'X-Content-Type-Options': 'nosniff' };
const IMMUTABLE = 'public, max-age=31536000, immutable';

export const contentType = (file: HostFile) =>
  file.endsWith('.js') ? 'text/javascript; charset=utf-8' : file.endsWith('.json') ? 'application/json' : 'text/plain; charset=utf-8';

/** The text of `file` for a course served under `base` ('/' or '/x/'). */
export function hostFile(file: HostFile, base: string): string {
  const headers = { ...isolationHeaders, ...NOSNIFF };
  switch (file) {
    case '_headers':
      return [
        '# Netlify and Cloudflare Pages: cross-origin isolation for every page, so WebContainers can boot.',
        `${base}*`,
        ...Object.entries(headers).map(([name, value]) => `  ${name}: ${value}`),
        '',
        `${base}_astro/*`,
        `  Cache-Control: ${IMMUTABLE}`,
        '',
      ].join('\n');
    case '_redirects':
      return [
        "# Netlify: each language's own \"not found\" page (Cloudflare Pages finds {lang}/404/ by itself).",
        ...LANGS.map((lang) => `${base}${lang}/*  ${base}${lang}/404/  404`),
        '',
      ].join('\n');
    case 'netlify.toml':
      return [
        '# For deploying the built folder itself (`netlify deploy --dir dist`); _headers and _redirects',
        '# beside this file say the same, for hosts that read only those.',
        '[[headers]]',
        `  for = "${base}*"`,
        '  [headers.values]',
        ...Object.entries(headers).map(([name, value]) => `    ${name} = "${value}"`),
        ...LANGS.flatMap((lang) => ['', '[[redirects]]', `  from = "${base}${lang}/*"`, `  to = "${base}${lang}/404/"`, '  status = 404']),
        '',
      ].join('\n');
    case 'vercel.json':
      return `${JSON.stringify(
        {
          $schema: 'https://openapi.vercel.sh/vercel.json',
          trailingSlash: true,
          headers: [
            { source: `${base}(.*)`, headers: Object.entries(headers).map(([key, value]) => ({ key, value })) },
            { source: `${base}_astro/(.*)`, headers: [{ key: 'Cache-Control', value: IMMUTABLE }] },
          ],
        },
        null,
        2,
      )}\n`;
    case 'coi-sw.js':
      return isolationWorker();
  }
}

/**
 * Cross-origin isolation on a host that cannot send headers (GitHub Pages, a plain bucket).
 * WebContainers need a cross-origin-isolated page; this service worker gives the course's own
 * responses the headers the host does not send. The page registers it only when it is not isolated
 * already (see Base.astro), under the base path (its scope), and it leaves other origins'
 * responses alone: they must allow embedding themselves.
 */
function isolationWorker(): string {
  return `// Session Lab: cross-origin isolation for a host that sends no headers (see site/hosting/host-files.ts).
const ISOLATION = ${JSON.stringify(isolationHeaders)};

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (new URL(request.url).origin !== self.location.origin) return;
  // A request only the cache may answer cannot be re-fetched (a Chromium quirk of devtools).
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  event.respondWith(
    fetch(request).then((response) => {
      if (response.status === 0 || response.type === 'opaqueredirect') return response;
      const headers = new Headers(response.headers);
      for (const [name, value] of Object.entries(ISOLATION)) headers.set(name, value);
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    }),
  );
});
`;
}
