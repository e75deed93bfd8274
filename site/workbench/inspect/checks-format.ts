// How a failed check's detail reads (pure): one row per field that failed, expected beside
// actual, the field named in the learner's language where we know it, the values as text.
import type { CheckFailureDetail } from '../../../lab/protocol/checks.ts';
import type { Translate } from '../run/ui.ts';
import { stableJson } from './store-model.ts';

export interface DetailRow {
  /** The field as the check names it: `status`, `headers.location`, `cookieAttributes.HttpOnly`. */
  readonly field: string;
  /** The field in the learner's language. */
  readonly label: string;
  readonly expected: string;
  readonly actual: string;
}

/** Fields the checks runner reports (lab/README.md, "Check result"), by their first segment. */
export const KNOWN_FIELDS = [
  'status',
  'bodyIncludes',
  'bodyExcludes',
  'bodyMatches',
  'headers',
  'setsCookie',
  'cookieAttributes',
  'location',
  'storeSessions',
  'sameSession',
  'storeOps',
  'clearsCookie',
  'sessionStored',
  'sessionExcludes',
  'cookieLifetime',
  'response',
  'error',
  'restart',
  'start',
  'tamper',
  'instance',
  'cookies',
  'path',
  'scenario',
] as const;

export function fieldLabel(t: Translate, field: string): string {
  const dot = field.indexOf('.');
  const top = dot < 0 ? field : field.slice(0, dot);
  const name = dot < 0 ? '' : field.slice(dot + 1);
  return (KNOWN_FIELDS as readonly string[]).includes(top) ? t(`inspect.checks.field.${top}`, { name }) : field;
}

/** A value as text: yes/no for booleans, "nothing" for null, lists one a line, objects as JSON. */
export function formatValue(t: Translate, value: unknown): string {
  if (value === null || value === undefined) return t('inspect.checks.nothing');
  if (typeof value === 'boolean') return t(value ? 'inspect.checks.yes' : 'inspect.checks.no');
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join('\n');
  return stableJson(value, 2);
}

export function detailRows(t: Translate, detail: CheckFailureDetail): DetailRow[] {
  const fields = [...new Set([...Object.keys(detail.expected), ...Object.keys(detail.actual)])];
  return fields.map((field) => ({
    field,
    label: fieldLabel(t, field),
    expected: formatValue(t, detail.expected[field]),
    actual: formatValue(t, detail.actual[field]),
  }));
}

/** "Request 2 (Browser B: GET /viewcount)", or "Step 1" for a restart. */
export function detailWhere(t: Translate, detail: CheckFailureDetail): string {
  const n = detail.step + 1;
  if (!detail.request) return t('inspect.checks.atStep', { n });
  const browser = ['A', 'B', 'none'].includes(detail.request.browser) ? t(`inspect.browser.${detail.request.browser}`) : detail.request.browser;
  return t('inspect.checks.atRequest', { n, browser, method: detail.request.method, path: detail.request.path });
}
