// How the session's values read, for every panel that shows them (the run panels, the
// inspector, the self-check): below the panels, so none of them imports another for it.
import type { Translate } from '../../i18n/translate.ts';
import type { SessionError } from './session-types.ts';

/** A failure's sentence (its detail interpolated; absent values never show as `{{…}}`). */
export function errorText(t: Translate, error: SessionError): string {
  const values: Record<string, unknown> = { seconds: '', path: '', code: '', port: '' };
  for (const [name, value] of Object.entries(error.detail ?? {})) if (value !== null && value !== undefined) values[name] = value;
  return t(error.key, values);
}

/** Whole seconds in `ms` (a host notice's or a request failure's duration), never negative. */
export const secondsIn = (ms: unknown): number => (typeof ms === 'number' && ms > 0 ? Math.floor(ms / 1000) : 0);
