// Cross-origin isolation on a host that cannot send headers (GitHub Pages, a plain bucket).
// WebContainers need a cross-origin-isolated page; this service worker gives the course's own
// responses the headers the host does not send (the same three as _headers and `npm start`).
// It is registered by the page only when the page is not isolated already (see Base.astro), and
// it leaves other origins' responses alone: they must allow embedding themselves.
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

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
