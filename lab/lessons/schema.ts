// The lesson metadata contract. One schema, used by the Astro content collection, by the
// tests and by the checks runner, so a lesson that breaks it fails everywhere the same way.
import { z } from 'zod';

export { LANGS, type Lang } from './languages.ts';

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'use lowercase words joined by "-"');
const relPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'must be a relative path inside the app');

export const Browser = z.enum(['A', 'B', 'none']);
export type Browser = z.infer<typeof Browser>;

/** A store operation as the probe reports it. */
export const StoreOp = z.enum(['get', 'set', 'destroy', 'touch', 'regenerate', 'clear']);
export type StoreOp = z.infer<typeof StoreOp>;

/** Files by workspace path (`src/app.js`) → text: a lesson's starter or solution, a learner's edits, a mount. */
export type Files = Record<string, string>;

/** What one request of a check must show. Every field is optional; absent means "not checked". */
export const Expectation = z
  .object({
    status: z.number().int().optional(),
    bodyIncludes: z.array(z.string()).optional(),
    bodyExcludes: z.array(z.string()).optional(),
    bodyMatches: z.string().optional(),
    /** Response header (lower-case name) must match this regular expression; null: must be absent. */
    headers: z.record(z.string(), z.string().nullable()).optional(),
    /** true: the response sets the session cookie; false: it sends no Set-Cookie for it. */
    setsCookie: z.boolean().optional(),
    /** Attributes the session cookie must carry when set (case-insensitive names). */
    cookieAttributes: z.record(z.string(), z.union([z.string(), z.boolean()])).optional(),
    /** Location header after a redirect, compared as a path. */
    location: z.string().optional(),
    /** Number of sessions in the store after this request, as the probe last reported it. */
    storeSessions: z.number().int().optional(),
    /** The session id of this request equals (true) or differs from (false) the previous request's. */
    sameSession: z.boolean().optional(),
    /** The store operations this request made, in order (e.g. ["get", "touch"]); [] = the store was not asked. */
    storeOps: z.array(StoreOp).optional(),
    /**
     * true: a Set-Cookie deletes the session cookie with the attributes it was set with (Path,
     * Domain, Secure, HttpOnly, SameSite) and the browser no longer holds it; false: none deletes it.
     */
    clearsCookie: z.boolean().optional(),
    /** This request's session (its id at the end of the request) is (true) or is not (false) in the store afterwards. */
    sessionStored: z.boolean().optional(),
    /** Property names that must appear nowhere (at any depth) in this request's session as the store holds it after the request. */
    sessionExcludes: z.array(z.string().min(1)).min(1).optional(),
    /** Lifetime of the session cookie set by this request, in seconds (Max-Age, or Expires minus the response's Date). */
    cookieLifetime: z
      .object({ min: z.number().nonnegative().optional(), max: z.number().nonnegative().optional() })
      .strict()
      .refine((l) => l.min !== undefined || l.max !== undefined, 'give min, max or both')
      .optional(),
  })
  .strict();
export type Expectation = z.infer<typeof Expectation>;

/** Another server of the same app, started by a `start` step of the scenario (e.g. "second"). */
const InstanceName = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'use lowercase letters, digits and "-"');
/** Request headers a check may add; the client's own (host, cookie, body, correlation) are not among them. */
const OWN_HEADERS = new Set(['host', 'cookie', 'content-type', 'content-length', 'user-agent', 'x-session-lab', 'transfer-encoding', 'connection']);
const HeaderName = z
  .string()
  .regex(/^[a-z0-9-]+$/, 'a lower-case header name')
  .refine((n) => !OWN_HEADERS.has(n), 'the request client sets this header itself');

export const ScenarioRequest = z
  .object({
    browser: Browser.default('A'),
    /** OPTIONS: a CORS preflight (send `origin` and `access-control-request-method` in `headers`). */
    method: z.enum(['GET', 'POST', 'OPTIONS']).default('GET'),
    path: z.string().startsWith('/'),
    form: z.record(z.string(), z.string()).optional(),
    /** Follow redirects (false: the redirect itself is the response that is checked). */
    follow: z.boolean().default(false),
    /** Extra request headers (e.g. what a proxy adds: { "x-forwarded-proto": "https" }). */
    headers: z.record(HeaderName, z.string()).optional(),
    /** Send it to a server started by an earlier `start` step; absent: the learner's server. */
    instance: InstanceName.optional(),
    expect: Expectation.default({}),
  })
  .strict();
export type ScenarioRequest = z.infer<typeof ScenarioRequest>;

/** Restart the learner's server in the middle of a scenario (the stores lesson). */
export const ScenarioRestart = z.object({ restart: z.literal(true) }).strict();
export type ScenarioRestart = z.infer<typeof ScenarioRestart>;

/**
 * Start (or restart) another server of the same app, on a port of its own, with the learner's
 * server's entry and environment plus `env`; the check stops it when it ends (unless it was
 * already running before the check). Several servers sharing (or not) one store.
 */
export const ScenarioStart = z
  .object({
    start: z.object({ instance: InstanceName, env: z.record(z.string(), z.string()).optional() }).strict(),
  })
  .strict();
export type ScenarioStart = z.infer<typeof ScenarioStart>;

/**
 * Change the session cookie in a browser's jar, keeping its other attributes: `value` as given;
 * `signWith`: the same session id signed with this secret (a cookie from a server that used an
 * old secret); neither: the same value with one character of its signature changed (a forgery).
 * `cookie`: the cookie's name; absent: the session cookie (a signed cookie the scenario saw set).
 */
export const ScenarioTamper = z
  .object({
    tamper: z
      .object({
        browser: z.enum(['A', 'B']).default('A'),
        cookie: z.string().min(1).optional(),
        value: z.string().optional(),
        signWith: z.string().min(1).optional(),
      })
      .strict()
      .refine((t) => t.value === undefined || t.signWith === undefined, 'give value or signWith, not both'),
  })
  .strict();
export type ScenarioTamper = z.infer<typeof ScenarioTamper>;

export const Check = z
  .object({
    id: slug,
    /** Key of the message, in each language's `messages`, that says what this check proves. */
    message: z.string(),
    /** Key of the hint shown when the check fails. */
    hint: z.string().optional(),
    scenario: z.array(z.union([ScenarioRestart, ScenarioStart, ScenarioTamper, ScenarioRequest])).min(1),
  })
  .strict();
export type Check = z.infer<typeof Check>;

export const Route = z
  .object({
    method: z.enum(['GET', 'POST']),
    path: z.string().startsWith('/'),
    form: z.record(z.string(), z.string()).optional(),
  })
  .strict();
export type Route = z.infer<typeof Route>;

/** The workbench's output views a lesson may open on. */
export const OutputView = z.enum(['session', 'diagram']);
export type OutputView = z.infer<typeof OutputView>;

export const StepMeta = z
  .object({
    id: slug,
    /** Files to open in the editor on this step (the first one is focused). */
    open: z.array(relPath).optional(),
    routes: z.array(Route).optional(),
    checks: z.array(Check).default([]),
  })
  .strict();
export type StepMeta = z.infer<typeof StepMeta>;

export const LessonMeta = z
  .object({
    id: slug,
    /** The server's entry file, started as `node <entry>`. */
    entry: relPath.default('server.js'),
    /** Extra environment for the lesson server (never secrets that matter: this is a course). */
    env: z.record(z.string(), z.string()).default({}),
    open: z.array(relPath).min(1),
    routes: z.array(Route).default([]),
    /** The workbench's output view shown first (`diagram`: the lesson that introduces the exchange). */
    view: OutputView.default('session'),
    steps: z.array(StepMeta).min(1),
  })
  .strict();
export type LessonMeta = z.infer<typeof LessonMeta>;

/** The frontmatter of each language's Markdown file. */
export const LessonText = z
  .object({
    title: z.string().min(1),
    summary: z.string().min(1),
    /** Texts keyed for checks, hints and the TODO comments of the starter code. */
    messages: z.record(z.string(), z.string()).default({}),
  })
  .strict();
export type LessonText = z.infer<typeof LessonText>;
