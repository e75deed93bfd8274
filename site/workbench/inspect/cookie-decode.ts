// Cookies as the learner should read them (pure: no DOM, no host). A `Set-Cookie` header or a
// `Cookie` header as data; an express-session value taken apart (`s%3A` + id + `.` + signature);
// which of a browser's cookies is the session cookie (also when the app renamed it); when a
// cookie expires and the countdown's text.
import type { Translate } from '../../i18n/translate.ts';

/** express-session's default cookie name. */
export const DEFAULT_SESSION_COOKIE = 'connect.sid';
/** What express-session puts before a signed value (URL-encoded on the wire: `s%3A`). */
export const SIGNED_PREFIX = 's:';

export interface CookieAttributes {
  readonly path: string | null;
  readonly domain: string | null;
  /** The `Expires` attribute as sent (a date text), or an ISO date from a jar. */
  readonly expires: string | null;
  /** `Max-Age` in seconds. */
  readonly maxAge: number | null;
  readonly httpOnly: boolean;
  readonly secure: boolean;
  readonly sameSite: string | null;
  readonly partitioned: boolean;
}

export interface ParsedSetCookie extends CookieAttributes {
  readonly name: string;
  readonly value: string;
  /** The attributes in the order they were sent, names as sent (`null`: a flag like HttpOnly). */
  readonly attributes: readonly (readonly [string, string | null])[];
  readonly raw: string;
}

/** A `Set-Cookie` header as data, or null when it has no `name=value`. */
export function parseSetCookie(header: string): ParsedSetCookie | null {
  const [first = '', ...rest] = header.split(';');
  const eq = first.indexOf('=');
  if (eq <= 0) return null;
  const name = first.slice(0, eq).trim();
  if (!name) return null;
  const value = unquote(first.slice(eq + 1).trim());
  const attributes: [string, string | null][] = [];
  let path: string | null = null;
  let domain: string | null = null;
  let expires: string | null = null;
  let maxAge: number | null = null;
  let httpOnly = false;
  let secure = false;
  let sameSite: string | null = null;
  let partitioned = false;
  for (const part of rest) {
    const at = part.indexOf('=');
    const key = (at < 0 ? part : part.slice(0, at)).trim();
    if (!key) continue;
    const val = at < 0 ? null : part.slice(at + 1).trim();
    attributes.push([key, val]);
    switch (key.toLowerCase()) {
      case 'path':
        path = val;
        break;
      case 'domain':
        domain = val;
        break;
      case 'expires':
        expires = val;
        break;
      case 'max-age':
        if (val !== null && /^-?\d+$/.test(val)) maxAge = Number(val);
        break;
      case 'httponly':
        httpOnly = true;
        break;
      case 'secure':
        secure = true;
        break;
      case 'samesite':
        sameSite = val;
        break;
      case 'partitioned':
        partitioned = true;
        break;
    }
  }
  return { name, value, attributes, raw: header, path, domain, expires, maxAge, httpOnly, secure, sameSite, partitioned };
}

const unquote = (value: string) => (value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value);

/** A request's `Cookie` header as name/value pairs, in order. */
export function parseCookieHeader(header: string | null | undefined): { name: string; value: string }[] {
  if (!header) return [];
  const out: { name: string; value: string }[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (name) out.push({ name, value: unquote(part.slice(eq + 1).trim()) });
  }
  return out;
}

/** `decodeURIComponent`, or null for a value that is not valid percent-encoding. */
export function safeDecode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

export interface DecodedValue {
  /** The value as the browser stores and sends it. */
  readonly raw: string;
  /** After URL-decoding (the raw value when it is not valid percent-encoding). */
  readonly decoded: string;
  /** URL-decoding changed something (`s%3A` → `s:`). */
  readonly urlEncoded: boolean;
  /** The raw value is not valid percent-encoding. */
  readonly badEncoding: boolean;
  /** Starts with `s:`: express-session signed it. */
  readonly signed: boolean;
  /** The part between `s:` and the last `.` (the whole rest when there is no dot). */
  readonly sessionId: string | null;
  readonly signature: string | null;
  /** 32 URL-safe characters: what express-session's default generator makes. */
  readonly idLooksDefault: boolean;
  /** 43 base64 characters: an HMAC-SHA256 without its trailing `=`. */
  readonly signatureLooksHmac: boolean;
}

/** Takes an express-session cookie value apart, as `cookie-signature`'s unsign does (last dot). */
export function decodeSessionValue(raw: string): DecodedValue {
  const decodedOrNull = safeDecode(raw);
  const decoded = decodedOrNull ?? raw;
  const signed = decoded.startsWith(SIGNED_PREFIX);
  let sessionId: string | null = null;
  let signature: string | null = null;
  if (signed) {
    const body = decoded.slice(SIGNED_PREFIX.length);
    const dot = body.lastIndexOf('.');
    sessionId = dot < 0 ? body : body.slice(0, dot);
    signature = dot < 0 ? null : body.slice(dot + 1);
  }
  return {
    raw,
    decoded,
    urlEncoded: decoded !== raw,
    badEncoding: decodedOrNull === null,
    signed,
    sessionId,
    signature,
    idLooksDefault: sessionId !== null && /^[A-Za-z0-9_-]{32}$/.test(sessionId),
    signatureLooksHmac: signature !== null && /^[A-Za-z0-9+/]{43}$/.test(signature),
  };
}

/** An express-session value (`s%3A…` or `s:…`). */
export const isSignedValue = (value: string) => /^s(%3A|:)/i.test(value);

/** The shortest useful form of a session id for lists ("AbCdEfGh…"). */
export const shortId = (id: string, length = 8) => (id.length > length + 1 ? `${id.slice(0, length)}\u2026` : id);

export interface NamedValue {
  readonly name: string;
  readonly value: string;
}

/**
 * The session cookie among a browser's cookies: first one whose id the store holds, then one
 * with the name the app was seen setting (a renamed cookie), then `connect.sid`, then any signed one.
 */
export function findSessionCookie<C extends NamedValue>(
  cookies: readonly C[],
  hints: { readonly name?: string | null; readonly knownIds?: ReadonlySet<string> } = {},
): C | undefined {
  const signed = cookies.filter((c) => isSignedValue(c.value));
  const known = hints.knownIds;
  return (
    (known && signed.find((c) => known.has(decodeSessionValue(c.value).sessionId ?? ''))) ??
    (hints.name ? cookies.find((c) => c.name === hints.name) : undefined) ??
    cookies.find((c) => c.name === DEFAULT_SESSION_COOKIE) ??
    signed[0]
  );
}

/** When a cookie expires (ms since the epoch): `Max-Age` wins over `Expires` (RFC 6265); null: a
 * browser-session cookie. `receivedAt`: when the `Set-Cookie` arrived (Max-Age counts from then). */
export function expiresAt(attributes: Pick<CookieAttributes, 'expires' | 'maxAge'>, receivedAt: number): number | null {
  if (attributes.maxAge !== null) return attributes.maxAge <= 0 ? receivedAt : receivedAt + attributes.maxAge * 1000;
  if (attributes.expires === null) return null;
  const at = Date.parse(attributes.expires);
  return Number.isNaN(at) ? null : at;
}

export interface Duration {
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
}

/** A non-negative duration in whole days, hours, minutes and seconds (rounded down). */
export function durationParts(ms: number): Duration {
  const total = Math.max(0, Math.floor(ms / 1000));
  return {
    days: Math.floor(total / 86_400),
    hours: Math.floor((total % 86_400) / 3_600),
    minutes: Math.floor((total % 3_600) / 60),
    seconds: total % 60,
  };
}

const two = (n: number) => String(n).padStart(2, '0');

/** "1 day 02:03:04", "02:03:04": the time left on a cookie. */
export function formatDuration(t: Translate, ms: number): string {
  const { days, hours, minutes, seconds } = durationParts(ms);
  const clock = `${two(hours)}:${two(minutes)}:${two(seconds)}`;
  return days > 0 ? `${t('inspect.time.days', { count: days })} ${clock}` : clock;
}

/** The countdown's sentence: "Expires in 00:59:58", "Expired", or "Kept until the browser closes". */
export function countdownText(t: Translate, expiry: number | null, now: number): string {
  if (expiry === null) return t('inspect.cookie.browserSession');
  const left = expiry - now;
  return left <= 0 ? t('inspect.cookie.expired') : t('inspect.cookie.expiresIn', { time: formatDuration(t, left) });
}
