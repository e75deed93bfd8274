// How a response body is shown (pure): rendered as a page (HTML, in a sandboxed frame), pretty
// JSON, or text; and the headers that matter for sessions picked out.
export type Headers = readonly (readonly [string, string])[];
export type BodyKind = 'html' | 'json' | 'text' | 'empty';

/** Every value of a header (names compared case-insensitively). */
export const headerValues = (headers: Headers, name: string): string[] =>
  headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);

/** `Cookie` and `Set-Cookie`: the headers a session lives in. */
export const isCookieHeader = (name: string) => ['cookie', 'set-cookie'].includes(name.toLowerCase());

export function bodyKind(headers: Headers, body: string): BodyKind {
  if (body === '') return 'empty';
  const type = (headerValues(headers, 'content-type')[0] ?? '').toLowerCase();
  if (type.includes('html')) return 'html';
  if (type.includes('json')) return 'json';
  if (!type && /^\s*<(!doctype|html|body|h\d|p|div|ul|form)\b/i.test(body)) return 'html';
  return 'text';
}

/** The body as it reads best: JSON indented (when it parses), anything else as sent. */
export function prettyBody(kind: BodyKind, body: string): string {
  if (kind !== 'json') return body;
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/** A page for the sandboxed frame: the body, with a base style so it is readable in either theme. */
export function renderedDocument(body: string): string {
  return `<!doctype html><meta charset="utf-8"><style>body{font:14px/1.5 system-ui,sans-serif;margin:0.75rem;color:#1b1f24;background:#fff}</style>${body}`;
}
