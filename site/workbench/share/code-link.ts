// Links that carry code: the learner's changed files, compressed into the URL's fragment (never
// sent to a server: browsers keep the fragment to themselves), with the step's own address.
//   <step URL>#code=1.<base64url(deflate(JSON { l: lesson, f: { path: text } }))>
// Only the files that differ from the starter travel; the reader's page adds them to the starter.
// Decoding never trusts the link: a version it does not know, a cut or altered payload, a bomb
// that inflates beyond the bound, a path that leaves the project — each is an answer, not a throw.
import { Inflate, deflateSync, strFromU8, strToU8 } from 'fflate';
import { safePath } from '../zip.ts';
import type { Files } from '../session/files.ts';

export const CODE_FRAGMENT = 'code=';
const VERSION = '1';
/** Longer links are refused at copy time: chat apps, e-mail clients and some browsers' address
 * bars cut or refuse links beyond a few thousand characters. */
export const MAX_LINK_LENGTH = 8_000;
/** The most a link's code may inflate to (a few dozen lesson files). */
const MAX_CODE_BYTES = 512 * 1024;

export interface SharedCode {
  readonly lesson: string;
  /** The files that differ from the starter (changed or added), path → text. */
  readonly files: Files;
}

export type CopyOutcome =
  | { readonly kind: 'link'; readonly url: string; readonly files: number }
  /** Nothing differs from the starter: the plain step link says it all. */
  | { readonly kind: 'unchanged'; readonly url: string }
  | { readonly kind: 'tooLong'; readonly length: number; readonly max: number };

export type ReadOutcome =
  | { readonly kind: 'none' }
  | { readonly kind: 'code'; readonly code: SharedCode }
  /** The link says it carries code but it cannot be read (cut short, altered, not ours). */
  | { readonly kind: 'damaged' }
  /** Code for another lesson than this page's. */
  | { readonly kind: 'otherLesson'; readonly lesson: string };

/** The files of `mine` that differ from `starter` (changed or added). */
export function changedFiles(mine: Files, starter: Files): Files {
  return Object.fromEntries(Object.entries(mine).filter(([path, text]) => starter[path] !== text));
}

/** The link to `stepUrl` (absolute, no fragment) carrying the learner's changes, or why not. */
export function codeLink(stepUrl: string, lesson: string, mine: Files, starter: Files): CopyOutcome {
  const files = changedFiles(mine, starter);
  if (Object.keys(files).length === 0) return { kind: 'unchanged', url: stepUrl };
  const packed = toBase64Url(deflateSync(strToU8(JSON.stringify({ l: lesson, f: files })), { level: 9 }));
  const url = `${stepUrl}#${CODE_FRAGMENT}${VERSION}.${packed}`;
  if (url.length > MAX_LINK_LENGTH) return { kind: 'tooLong', length: url.length, max: MAX_LINK_LENGTH };
  return { kind: 'link', url, files: Object.keys(files).length };
}

/** What a page's fragment (`location.hash`) carries for `lesson`. */
export function readCodeLink(hash: string, lesson: string): ReadOutcome {
  const fragment = hash.replace(/^#/, '');
  if (!fragment.startsWith(CODE_FRAGMENT)) return { kind: 'none' };
  const [version, packed, ...rest] = fragment.slice(CODE_FRAGMENT.length).split('.');
  if (version !== VERSION || !packed || rest.length > 0) return { kind: 'damaged' };
  let data: unknown;
  try {
    data = JSON.parse(strFromU8(inflateBounded(fromBase64Url(packed))));
  } catch {
    return { kind: 'damaged' };
  }
  if (typeof data !== 'object' || data === null) return { kind: 'damaged' };
  const { l, f } = data as { l?: unknown; f?: unknown };
  if (typeof l !== 'string' || typeof f !== 'object' || f === null || Array.isArray(f)) return { kind: 'damaged' };
  const files: Record<string, string> = {};
  for (const [path, text] of Object.entries(f)) {
    const clean = safePath(path);
    if (clean === null || clean !== path || typeof text !== 'string') return { kind: 'damaged' };
    files[path] = text;
  }
  if (Object.keys(files).length === 0) return { kind: 'damaged' };
  if (l !== lesson) return { kind: 'otherLesson', lesson: l };
  return { kind: 'code', code: { lesson: l, files } };
}

/** The page's URL without a code fragment (what stays in the address bar once it is handled). */
export function withoutCode(href: string): string {
  const url = new URL(href);
  if (url.hash.replace(/^#/, '').startsWith(CODE_FRAGMENT)) url.hash = '';
  return url.href.replace(/#$/, '');
}

function inflateBounded(bytes: Uint8Array): Uint8Array {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const inflate = new Inflate((chunk) => {
    size += chunk.length;
    if (size > MAX_CODE_BYTES) throw new Error('too large');
    chunks.push(chunk);
  });
  inflate.push(bytes, true);
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new Error('not base64url');
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
