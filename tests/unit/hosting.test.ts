// The course built for a sub-path: BASE_PATH's form, and the host files written for it from the one
// list of isolation headers (so the headers, redirects and service worker follow the path).
import { describe, expect, it } from 'vitest';
import { normalizeBasePath } from '../../site/course/base-path.ts';
import { HOST_FILES, hostFile } from '../../site/hosting/host-files.ts';
import { isolationHeaders } from '../../lab/server/headers.ts';

describe('the base path', () => {
  it('takes a path in any of its usual spellings, and the root by default', () => {
    for (const value of [undefined, '', '/', ' / ']) expect(normalizeBasePath(value)).toBe('/');
    for (const value of ['session-lab', '/session-lab', 'session-lab/', '/session-lab/']) expect(normalizeBasePath(value)).toBe('/session-lab/');
    expect(normalizeBasePath('/a/b.c/')).toBe('/a/b.c/');
  });

  it('refuses what is not a path of this site', () => {
    for (const value of ['https://example.com/x/', '/a/../b/', '/a b/', '/x?y', '/x#y']) {
      expect(() => normalizeBasePath(value), value).toThrow(/BASE_PATH/);
    }
    // Never a protocol-relative address: extra slashes are only slashes.
    expect(normalizeBasePath('//evil.example/')).toBe('/evil.example/');
  });
});

describe('the host files', () => {
  it('put every header, redirect and the worker under the base path, headers from lab/server/headers.ts', () => {
    for (const base of ['/', '/session-lab/']) {
      for (const file of HOST_FILES) {
        const text = hostFile(file, base);
        if (file !== 'coi-sw.js') {
          // Every path a config names starts with the base.
          const paths = [...text.matchAll(/(?:^|[\s"=])(\/[^\s"]*)/gm)].map((m) => m[1]!).filter((p) => !p.startsWith('//'));
          expect(paths.length, file).toBeGreaterThan(0);
          for (const path of paths) expect(path.startsWith(base), `${file}: ${path}`).toBe(true);
        }
        for (const [name, value] of Object.entries(isolationHeaders)) {
          if (file !== '_redirects') expect(text, `${file} (${base})`).toContain(file === 'coi-sw.js' ? `"${name}":"${value}"` : value);
        }
      }
      expect(hostFile('_redirects', base)).toContain(`${base}pt/*  ${base}pt/404/  404`);
      expect(JSON.parse(hostFile('vercel.json', base)).headers[0].source).toBe(`${base}(.*)`);
    }
  });
});
