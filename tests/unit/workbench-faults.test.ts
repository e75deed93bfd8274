// The learner faults of lab/README.md ("Learner faults") in the learner's words: the sentences the
// run panels build for a heap exhausted and for a busy server, in every language, with every value
// filled in; and the fault table in lab/README.md quotes the locale files exactly.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGS } from '../../lab/lessons/languages.ts';
import { crashText } from '../../site/workbench/run/ui.ts';
import { serverLine } from '../../site/workbench/run/terminal-panel.ts';
import type { ProbeErrorEvent } from '../../site/workbench/session/session-types.ts';

const root = join(import.meta.dirname, '../..');
type Tree = { [key: string]: string | Tree };
const flatten = (tree: Tree, prefix = ''): Map<string, string> =>
  new Map(Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v] as const] : [...flatten(v, `${prefix}${k}.`)])));
const strings = Object.fromEntries(
  LANGS.map((lang) => [lang, flatten(JSON.parse(readFileSync(join(root, 'locales', `${lang}.json`), 'utf8')) as Tree)]),
) as Record<string, Map<string, string>>;
/** i18next's interpolation, enough for these strings: an unknown key comes back as the key. */
const translator = (lang: string) => (key: string, values: Record<string, unknown> = {}) =>
  (strings[lang]!.get(key) ?? key).replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => (name in values ? String(values[name]) : `{{${name}}}`));

const oom: ProbeErrorEvent = { type: 'error', kind: 'outOfMemory', message: 'JavaScript heap out of memory', stack: '', limitMb: 256, fromOutput: true };

describe.each(LANGS)('learner faults in %s', (lang) => {
  const t = translator(lang);

  it('a heap exhausted: its own sentence with the bound, not the raw V8 message', () => {
    const text = crashText(t, oom);
    expect(text).toBe(strings[lang]!.get('fault.outOfMemory')!.replace('{{mb}}', '256'));
    expect(text).not.toContain('JavaScript heap');
    const { limitMb: _, ...unbounded } = oom;
    expect(crashText(t, unbounded)).toBe(strings[lang]!.get('fault.outOfMemoryNoLimit'));
  });

  it('busy and unblocked notices: terminal lines with the seconds', () => {
    const lines: [string, string | undefined][] = [];
    const terminal = { notice: (text: string, tone?: 'info' | 'error') => void lines.push([text, tone]) };
    serverLine(t, { type: 'notice', key: 'busy', data: { since: 1, ms: 2600 } }, terminal);
    serverLine(t, { type: 'notice', key: 'unblocked', data: { ms: 7200 } }, terminal);
    expect(lines).toEqual([
      [t('fault.busy.terminal', { seconds: 2 }), 'error'],
      [t('fault.busy.terminalUnblocked', { seconds: 7 }), undefined],
    ]);
    expect(lines.map(([text]) => text).join(' ')).toMatch(/\b2\b[^]*\b7\b/);
  });

  it('every fault string renders with its values: no placeholder left, none empty', () => {
    const values = { seconds: 12, mb: 256 };
    for (const [key, text] of strings[lang]!) {
      if (!key.startsWith('fault.') && key !== 'inspect.request.failure.busy' && key !== 'run.phase.busy') continue;
      const rendered = t(key, values);
      expect(rendered.trim(), key).not.toBe('');
      expect(rendered, key).not.toMatch(/\{\{|\}\}/);
      expect(text.length, key).toBeGreaterThan(5);
    }
  });
});

describe('the fault table in lab/README.md', () => {
  it('quotes each message exactly as the locale files hold it', () => {
    const readme = readFileSync(join(root, 'lab/README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Learner faults'));
    const quoted = [...section.matchAll(/`([a-z]+(?:\.[a-zA-Z]+)+)`(?: \(([a-z]{2})\))?: “([^”]+)”/g)];
    expect(quoted.length).toBeGreaterThanOrEqual(12);
    for (const [, key, lang, text] of quoted) {
      expect(strings[lang ?? 'en']!.get(key!), `${key} (${lang ?? 'en'})`).toBe(text);
    }
    // Each fault is shown in the three languages.
    for (const key of new Set(quoted.map((m) => m[1]!))) {
      expect(LANGS.filter((l) => quoted.some((m) => m[1] === key && (m[2] ?? 'en') === l)), key).toEqual([...LANGS]);
    }
  });
});
