// Cross-origin isolation: WebContainers need SharedArrayBuffer, which browsers only give to a
// page that is cross-origin isolated. Every response of the course carries these.
export const isolationHeaders: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
