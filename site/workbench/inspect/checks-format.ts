// How a failed check's detail reads (pure): one row per field that failed, expected beside
// actual, the field named in the learner's language where we know it, the values as text.
import type { CheckFailureDetail, DetailField } from '../../../lab/protocol/checks.ts';
import type { Translate } from '../../i18n/translate.ts';
import { stableJson } from './store-model.ts';

export interface DetailRow {
  /** The field as the check names it: `status`, `headers.location`, `cookieAttributes.HttpOnly`. */
  readonly field: string;
  /** The field in the learner's language. */
  readonly label: string;
  readonly expected: string;
  readonly actual: string;
}

/** Every field a failure may name, by its first segment (lab/protocol/checks.ts). A `Record` over
 * the protocol's type, so a new field must be added here, and site/i18n/labels.ts makes sure it has
 * a label in the locales. */
export const LABELLED_FIELDS: Readonly<Record<DetailField, true>> = {
  status: true,
  bodyIncludes: true,
  bodyExcludes: true,
  bodyMatches: true,
  headers: true,
  setsCookie: true,
  cookieAttributes: true,
  location: true,
  storeSessions: true,
  sameSession: true,
  storeOps: true,
  clearsCookie: true,
  sessionStored: true,
  sessionExcludes: true,
  cookieLifetime: true,
  response: true,
  error: true,
  restart: true,
  start: true,
  tamper: true,
  instance: true,
  cookies: true,
  path: true,
  scenario: true,
};

const isLabelled = (field: string): field is DetailField => Object.hasOwn(LABELLED_FIELDS, field);

export function fieldLabel(t: Translate, field: string): string {
  const dot = field.indexOf('.');
  const top = dot < 0 ? field : field.slice(0, dot);
  const name = dot < 0 ? '' : field.slice(dot + 1);
  return isLabelled(top) ? t(`inspect.checks.field.${top}`, { name }) : field;
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
